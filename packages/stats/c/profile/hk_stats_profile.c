/* stats/profile — the counters plus cycles per path (malloc hit, refill, free local, free
 * remote, large) from the time-stamp counter, read with rdtsc at the start and end of each. */

#include "hk_stats_blocks.h"

static inline int hk_stats_profiled(void) { return 1; }
static inline uint64_t hk_stats_clock(void) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (uint64_t)hi << 32 | lo;
}
