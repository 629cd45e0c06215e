/* Slot `stats`: counters and cycle profiles. Every call site is on a path the variant already
 * takes; a box whose functions are empty (`off`) compiles every site to nothing. */
#ifndef HK_SLOT_STATS_H
#define HK_SLOT_STATS_H

#include "hk_prelude.h"

#include "hakmem.h"

/* The events are the public ones of hakmem.h. */
typedef hakmem_event_t hk_event_t;
#define HK_EV_MALLOC_HIT     HAKMEM_EV_MALLOC_HIT
#define HK_EV_MALLOC_MISS    HAKMEM_EV_MALLOC_MISS
#define HK_EV_FREE_LOCAL     HAKMEM_EV_FREE_LOCAL
#define HK_EV_FREE_REMOTE    HAKMEM_EV_FREE_REMOTE
#define HK_EV_REFILL         HAKMEM_EV_REFILL
#define HK_EV_REFILL_BLOCKS  HAKMEM_EV_REFILL_BLOCKS
#define HK_EV_DRAIN          HAKMEM_EV_DRAIN
#define HK_EV_DRAIN_BLOCKS   HAKMEM_EV_DRAIN_BLOCKS
#define HK_EV_CHUNK_MAP      HAKMEM_EV_CHUNK_MAP
#define HK_EV_CHUNK_UNMAP    HAKMEM_EV_CHUNK_UNMAP
#define HK_EV_LARGE_ALLOC    HAKMEM_EV_LARGE_ALLOC
#define HK_EV_LARGE_FREE     HAKMEM_EV_LARGE_FREE
#define HK_EV_REMOTE_ATOMICS HAKMEM_EV_REMOTE_ATOMICS
#define HK_EV__COUNT         HAKMEM_EVENTS
_Static_assert(HAKMEM_CLASSES == HK_NUM_CLASSES, "hakmem.h and the size classes agree");

/* Count n occurrences of ev for size class cls (cls is 0 where no class applies). */
static inline void hk_stats_count(hk_event_t ev, uint32_t cls, uint64_t n);
/* A time stamp for hk_stats_time (0 and free where the box keeps no profile). */
static inline uint64_t hk_stats_clock(void);
/* One occurrence of ev for cls that began at t0 (= hk_stats_count(ev, cls, 1) plus its cycles). */
static inline void hk_stats_time(hk_event_t ev, uint32_t cls, uint64_t t0);
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
