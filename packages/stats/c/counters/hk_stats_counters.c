/* stats/counters — counts every event per size class in per-thread blocks (see
 * common/hk_stats_blocks.c); no time stamps. Costs one TLS load and two adds per event. */

#include "hk_stats_blocks.h"

static inline int hk_stats_profiled(void) { return 0; }
static inline uint64_t hk_stats_clock(void) { return 0; }
