/* stats' base `blocks` (@hakmem/stats, defineBase): per-thread counter blocks, summed at read
 * time. It defines every function of hk_stats.h except hk_stats_clock, which the box defines
 * with hk_stats_profiled: whether hk_stats_time also adds cycles. It touches no block. */
#ifndef HK_STATS_BLOCKS_H
#define HK_STATS_BLOCKS_H

#include "hakmem/hk_stats.h"

/* 1 where the box keeps cycles per path (its hk_stats_clock reads a clock), else 0. */
static inline int hk_stats_profiled(void);

#endif
