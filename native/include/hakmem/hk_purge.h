/* Slot `purge`: when idle memory goes back to the OS. Idle memory is what rests in the shared
 * pool (empty slabs and chunks whose pages are still resident) and the large cache (freed
 * mappings). Its holders ask this slot two things: whether what comes to rest stays resident
 * (hk_purge_keep: the box's capacity rule), and they call hk_purge_tick on their slow paths
 * (the pool's take and give, a large free, thread exit), where a box may give back what has
 * been idle too long (its time rule), through the core services hk_core_pool_purge and
 * hk_core_large_purge (hk_services.h: the pool and the large cache are later slots). Never on a hit
 * path: nothing here runs on the malloc hit or the local free.
 *
 * A box defines the functions below. It may call hk_core_pool_purge, hk_core_large_purge,
 * hk_orphans_reclaim, hk_clock_ms and hk_os_warn, read hk_os_counters, and start a thread of its own that calls
 * the same (never malloc); it writes into no block, slab or chunk. */
#ifndef HK_SLOT_PURGE_H
#define HK_SLOT_PURGE_H

#include "hk_prelude.h"
#include "hakmem/hk_stats.h"

/* Memory comes to rest in the pool while `resident` slabs (a chunk counting as 32) already
 * rest there resident: 1 keeps its pages for now, 0 gives them back at once. */
static int hk_purge_keep(int64_t resident);
/* The time stamp (ms, hk_clock_ms's clock) of what comes to rest now; a box without a time
 * rule returns 0 and reads no clock. */
static uint64_t hk_purge_stamp(void);
/* A slow path ran: the box may purge (the caller may hold its own heap's lock). */
static void hk_purge_tick(void);
/* A slow path has finished and holds no allocator lock (a malloc miss, a free that drained
 * the front, a large free): a box may start a thread here (it may allocate). Every such path
 * calls it: a box without a thread makes it empty. */
static void hk_purge_unlocked(void);
/* A block of `bytes` was freed into an exited thread's heap, where it waits for a pass to
 * collect it (hk_orphans_reclaim): memory that will come to rest although no slow path of its
 * own runs. No allocator lock is held (a box may start its thread here, as in
 * hk_purge_unlocked). */
static void hk_purge_orphan_freed(size_t bytes);
static void hk_purge_init(void); /* at start-up: runtime options (no allocation) */
/* mallopt(M_TRIM_THRESHOLD, bytes): at most this much may rest resident from now on (the
 * box's capacity rule, in 64 KiB slabs); 1 if the box has such a rule, 0 if not. */
static int hk_purge_set_capacity(uint64_t bytes);
/* superslab is about to map len bytes (the caller may hold its heap's lock): past the soft
 * limit, a box gives back everything idle first; past the hard limit (HAKMEM_LIMIT) even after
 * that, it returns 0 and the mapping is refused (malloc then returns NULL with ENOMEM). */
static int hk_purge_before_map(size_t len);
/* Optional hooks (hk_purge_fork_prepare, hk_purge_fork_parent, hk_purge_fork_child): a box with
 * nothing to do there leaves them out, and the composer defines them empty (`optional` in
 * native/src/slots.ts). */
/* fork: prepare runs first (before the heaps lock), parent and child last; a box with a
 * thread holds its pass lock across fork and forgets the thread in the child. */
static void hk_purge_fork_prepare(void);
static void hk_purge_fork_parent(void);
static void hk_purge_fork_child(void);
/* The slot's probes (hakmem_probe("purge", name, ...)): a switch over enum hk_purge_probe, generated
 * from the slot list, with one case for every HK_PROBE_PURGE_* and no default (-Werror=switch
 * refuses a box that leaves one out); a probe the box does not answer is a case returning -1.
 * 0 and *out set when answered. Cold: tools, tests and the core's reports. */
static int hk_purge_probe(enum hk_purge_probe p, int64_t arg, int64_t *out);

#endif
