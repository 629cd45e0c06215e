/* purge/retain — nothing goes back on its own: what rests in the pool stays resident until
 * malloc_trim (hakmem_trim) gives it back. For large, long-lived heaps on huge pages, where a
 * page given back and faulted again costs the most (the hugepage variant's choice). */

#include "hk_purge_limits.h"

static int64_t hk_purge_capacity =
    INT64_MAX; /* the limits base's capacity rule: none, unless mallopt(M_TRIM_THRESHOLD) sets one */
static uint64_t hk_purge_stamp(void) { return 0; }
static void hk_purge_tick(void) {}
static void hk_purge_init(void) { hk_purge_limit_init(); }
static void hk_purge_unlocked(void) {}
static void hk_purge_orphan_freed(size_t bytes) { (void)bytes; }

static int hk_purge_probe(enum hk_purge_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_PURGE_THREAD: *out = 0; return 0;
  case HK_PROBE_PURGE_DELAY_MS: /* never */ *out = -1; return 0;
  case HK_PROBE_PURGE_PASSES:
  case HK_PROBE_PURGE_RELEASED: *out = 0; return 0;
  case HK_PROBE_PURGE_WAKEUPS: /* no thread: background's */
    return -1;
  HK_PURGE_LIMIT_PROBES:
    return hk_purge_limit_probe(p, arg, out);
  }
  return -1;
}
