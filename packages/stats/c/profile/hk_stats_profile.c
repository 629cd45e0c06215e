/* stats/profile — the counters plus cycles per path (malloc hit, refill, free local, free
 * remote, large) from the cycle counter (hk_os_ticks: rdtsc on x86-64), read at the start and end of each. */

#include "hk_stats_blocks.h"

static inline int hk_stats_profiled(void) { return 1; }
static inline uint64_t hk_stats_clock(void) { return hk_os_ticks(); }
