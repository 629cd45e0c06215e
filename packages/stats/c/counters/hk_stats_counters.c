/* stats/counters — counts every event per size class in per-thread blocks (see
 * common/hk_stats_blocks.c); no time stamps. Costs one TLS load and two adds per event. */

static const int hk_stats_profiled = 0;
static inline uint64_t hk_stats_clock(void) { return 0; }
