/* purge/common — the time rule that decay and background share: what has rested in the pool
 * or the large cache for longer than delayMs goes back to the OS, oldest first, in passes; at
 * most maxSlabs resting slabs stay resident meanwhile (past that, at once). The boxes differ
 * only in who runs the passes: decay's slow paths, or background's thread.
 *
 * A pass collects the queues of exited threads' heaps (their emptied slabs come to rest),
 * then gives back the pool's slabs and chunks and the large cache's mappings stamped before
 * now - delayMs (the pool unmaps the chunks that then rest whole). One pass at a time: a pass
 * is claimed by a CAS on hk_purge_next, at most every delayMs/4. delayMs and maxSlabs are
 * runtime tunables (HAKMEM_PURGE_DELAY_MS, HAKMEM_PURGE_MAX_SLABS), set before hk_purge_init. */

#include "hk_purge_passes.h"

static uint64_t hk_purge_delay; /* delayMs, from hk_purge_pass_init on */
static uint64_t hk_purge_clock; /* the last clock read (ms): what comes to rest is stamped with it */
static uint64_t hk_purge_next;  /* no pass before this (ms) */
static uint64_t hk_purge_passes, hk_purge_released; /* for the probes */

static int64_t hk_purge_capacity; /* the limits base's capacity rule: maxSlabs from start-up */

static uint64_t hk_purge_stamp(void) {
  hk_purge_rested();
  return __atomic_load_n(&hk_purge_clock, __ATOMIC_RELAXED);
}

static uint64_t hk_purge_step(void) { return hk_purge_delay / 4 ? hk_purge_delay / 4 : 1; }

/* Read the clock (publishing it for stamps); run a pass if one is due and no other thread
 * claimed it. Returns 1 when this call ran a pass. */
static int hk_purge_pass(void) {
  uint64_t now = hk_clock_ms();
  __atomic_store_n(&hk_purge_clock, now, __ATOMIC_RELAXED);
  uint64_t next = __atomic_load_n(&hk_purge_next, __ATOMIC_RELAXED);
  if (now < next) return 0;
  if (!__atomic_compare_exchange_n(&hk_purge_next, &next, now + hk_purge_step(), false, __ATOMIC_RELAXED,
                                   __ATOMIC_RELAXED))
    return 0;
  hk_orphans_reclaim();
  uint64_t before = now > hk_purge_delay ? now - hk_purge_delay : 0;
  size_t bytes = hk_core_pool_purge(before) + hk_core_large_purge(before);
  __atomic_store_n(&hk_purge_cut, before, __ATOMIC_RELAXED);
  __atomic_fetch_add(&hk_purge_passes, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&hk_purge_released, bytes, __ATOMIC_RELAXED);
  return 1;
}

static void hk_purge_pass_init(void) {
  hk_purge_delay = (uint64_t)HK_CFG_PURGE_DELAY_MS;
  __atomic_store_n(&hk_purge_capacity, (int64_t)HK_CFG_PURGE_MAX_SLABS, __ATOMIC_RELAXED);
  __atomic_store_n(&hk_purge_clock, hk_clock_ms(), __ATOMIC_RELAXED);
}

static int hk_purge_pass_probe(enum hk_purge_probe p, int64_t *out) {
  switch (p) {
  case HK_PROBE_PURGE_DELAY_MS: *out = (int64_t)hk_purge_delay; return 0;
  case HK_PROBE_PURGE_PASSES: *out = (int64_t)__atomic_load_n(&hk_purge_passes, __ATOMIC_RELAXED); return 0;
  case HK_PROBE_PURGE_RELEASED: *out = (int64_t)__atomic_load_n(&hk_purge_released, __ATOMIC_RELAXED); return 0;
  default: /* not one of HK_PURGE_PASS_PROBES: the box's switch names every probe */ return -1;
  }
}
