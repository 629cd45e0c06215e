/* stats/off — observability compiled away: every hook is empty and the clock is a constant, so
 * a release variant carries no counter and no time stamp on any path. */

#include "hakmem/hk_stats.h"

static inline void hk_stats_count(hk_event_t ev, uint32_t cls, uint64_t n) {
  (void)ev;
  (void)cls;
  (void)n;
}
static inline uint64_t hk_stats_clock(void) { return 0; }
static inline void hk_stats_time(hk_event_t ev, uint32_t cls, uint64_t t0) {
  (void)ev;
  (void)cls;
  (void)t0;
}
static void hk_stats_snapshot(hakmem_stats_t *out) { memset(out, 0, sizeof *out); }

static int hk_stats_probe(enum hk_stats_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_STATS_ENABLED: *out = 0; return 0;
  case HK_PROBE_STATS_PROFILED: /* nothing counted */
  case HK_PROBE_STATS_COUNT:
  case HK_PROBE_STATS_CYCLES: return -1;
  }
  return -1;
}
