/* Slot `stats`: counters and cycle profiles. Every call site is on a path the variant already
 * takes; a box whose functions are empty (`off`) compiles every site to nothing. */
#ifndef HK_SLOT_STATS_H
#define HK_SLOT_STATS_H

#include "hk_prelude.h"

#include "hakmem.h"

/* The events are the public ones of hakmem.h (HAKMEM_EVENT_LIST): HAKMEM_EV_<NAME>. */
typedef hakmem_event_t hk_event_t;
_Static_assert(HAKMEM_CLASSES == HK_NUM_CLASSES, "hakmem.h and the size classes agree");

/* Count n occurrences of ev for size class cls (cls is 0 where no class applies). */
static inline void hk_stats_count(hk_event_t ev, uint32_t cls, uint64_t n);
/* A time stamp for hk_stats_time (0 and free where the box keeps no profile). */
static inline uint64_t hk_stats_clock(void);
/* One occurrence of ev for cls that began at t0 (= hk_stats_count(ev, cls, 1) plus its cycles). */
static inline void hk_stats_time(hk_event_t ev, uint32_t cls, uint64_t t0);
/* Optional hooks (hk_stats_init, hk_stats_thread_exit): a box with nothing to do there leaves
 * them out, and the composer defines them empty (`optional` in native/src/slots.ts). */
static void hk_stats_thread_exit(void);
/* The totals over every thread so far (hakmem_stats()). */
static void hk_stats_snapshot(hakmem_stats_t *out);
static void hk_stats_init(void);
/* The slot's probes (hakmem_probe("stats", name, ...)): a switch over enum hk_stats_probe, generated
 * from the slot list, with one case for every HK_PROBE_STATS_* and no default (-Werror=switch
 * refuses a box that leaves one out); a probe the box does not answer is a case returning -1.
 * 0 and *out set when answered. Cold: tools, tests and the core's reports. */
static int hk_stats_probe(enum hk_stats_probe p, int64_t arg, int64_t *out);

#endif
