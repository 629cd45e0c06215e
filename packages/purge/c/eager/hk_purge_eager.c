/* purge/eager — no clock: what comes to rest in the pool past keepSlabs resident slabs gives
 * its pages back at once (0: everything, at once). The lowest RSS, at the price of an madvise
 * and the page faults of the next use for every slab that empties (the lean variant's choice).
 * Every HK_PURGE_RELEASE_EVERY slow paths of a thread, the chunks that rest whole and cold go
 * back to the OS (hk_core_pool_purge(0) purges nothing resident). The large cache keeps only
 * its capacity rule. */

#include "hk_purge_limits.h"

enum { HK_PURGE_RELEASE_EVERY = 64 };

static __thread uint32_t hk_purge_events;
static uint64_t hk_purge_passes;

static int64_t hk_purge_capacity; /* the limits base's capacity rule: keepSlabs from start-up */
static uint64_t hk_purge_stamp(void) { return 0; }
static void hk_purge_tick(void) {
  if (++hk_purge_events % HK_PURGE_RELEASE_EVERY) return;
  hk_core_pool_purge(0);
  __atomic_fetch_add(&hk_purge_passes, 1, __ATOMIC_RELAXED);
}
static void hk_purge_init(void) {
  __atomic_store_n(&hk_purge_capacity, (int64_t)HK_CFG_PURGE_KEEP_SLABS, __ATOMIC_RELAXED);
  hk_purge_limit_init();
}
static void hk_purge_unlocked(void) {}
static void hk_purge_orphan_freed(size_t bytes) { (void)bytes; }

static int hk_purge_probe(enum hk_purge_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_PURGE_THREAD:
  case HK_PROBE_PURGE_DELAY_MS: *out = 0; return 0;
  case HK_PROBE_PURGE_PASSES: *out = (int64_t)__atomic_load_n(&hk_purge_passes, __ATOMIC_RELAXED); return 0;
  case HK_PROBE_PURGE_RELEASED: /* pages go back as they come to rest */ *out = 0; return 0;
  case HK_PROBE_PURGE_WAKEUPS: /* no thread: background's */
    return -1;
  HK_PURGE_LIMIT_PROBES:
    return hk_purge_limit_probe(p, arg, out);
  }
  return -1;
}
