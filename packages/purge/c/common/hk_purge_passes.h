/* purge's base `passes` (@hakmem/purge, defineBase): the limits base plus the time rule that
 * decay and background share. What has rested longer than the delay goes back in passes,
 * oldest first, one pass at a time; at most maxSlabs resting slabs stay resident meanwhile.
 * It defines hk_purge_stamp of hk_purge.h (which tells the box through hk_purge_rested), the
 * pass below and hk_purge_capacity (maxSlabs); a box decides who runs the passes and when (hk_purge_tick, hk_purge_unlocked, the fork
 * hooks), calls hk_purge_pass_init from hk_purge_init and hk_purge_pass_probe from its probe,
 * and keeps hk_purge_clock current (relaxed stores) when it reads the clock.
 * It reads the tunables HK_CFG_PURGE_DELAY_MS and HK_CFG_PURGE_MAX_SLABS. */
#ifndef HK_PURGE_PASSES_H
#define HK_PURGE_PASSES_H

#include "hk_purge_limits.h"

enum { HK_PURGE_CLOCK_EVERY = 8 }; /* slow paths per clock read (a thread's own count) */

static uint64_t hk_purge_delay;  /* ms; set once, at start-up (HAKMEM_PURGE_DELAY_MS) */
static uint64_t hk_purge_clock;  /* the last clock read (ms): what comes to rest is stamped with it */
static uint64_t hk_purge_passes; /* passes run (probe `passes`) */
static uint64_t hk_purge_cut;    /* the last pass that ran gave back what was stamped before it */

/* Defined by the box: something came to rest now (hk_purge_stamp was asked for its stamp; the
 * caller may hold the pool's or the large cache's lock: no allocation, no waiting). */
static void hk_purge_rested(void);
/* The least time between two passes: delay/4, at least 1 ms. */
static uint64_t hk_purge_step(void);
/* Run a pass if one is due and no other runs (the clock must be current); 1 if it ran. */
static int hk_purge_pass(void);
static void hk_purge_pass_init(void);
/* Probes delay_ms, passes, released; -1 for another. A box's hk_purge_probe names them all at
 * once with the case labels HK_PURGE_PASS_PROBES. */
static int hk_purge_pass_probe(enum hk_purge_probe p, int64_t *out);
#define HK_PURGE_PASS_PROBES    \
  case HK_PROBE_PURGE_DELAY_MS: \
  case HK_PROBE_PURGE_PASSES:   \
  case HK_PROBE_PURGE_RELEASED

#endif
