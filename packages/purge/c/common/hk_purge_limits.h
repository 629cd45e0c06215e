/* purge's base `limits` (@hakmem/purge, defineBase): what every purge box honours and reads.
 * It defines hk_purge_before_map of hk_purge.h (the soft limit: past it, everything idle goes
 * back before a mapping is made; the hard limit: past it even then, the mapping is refused),
 * hk_purge_keep and hk_purge_set_capacity (the capacity rule below) and the helpers below; a
 * box defines the rest of hk_purge.h and hk_purge_capacity, calls hk_purge_limit_init from
 * hk_purge_init and hk_purge_limit_probe from its probe.
 * It reads the runtime tunables HK_CFG_PURGE_SOFT_LIMIT and HK_CFG_PURGE_HARD_LIMIT (MiB; set from
 * HAKMEM_SOFT_LIMIT and HAKMEM_LIMIT before the init hooks). It writes into no block, slab or chunk. */
#ifndef HK_PURGE_LIMITS_H
#define HK_PURGE_LIMITS_H

#include "hakmem/hk_purge.h"

/* The capacity rule every box shares: what comes to rest stays resident while fewer than
 * hk_purge_capacity slabs (64 KiB; a chunk counts as 32) rest resident. The box defines the
 * variable with its initial value (decay and background: maxSlabs, eager: keepSlabs, retain:
 * INT64_MAX, none); mallopt(M_TRIM_THRESHOLD) changes it at run time (hk_purge_set_capacity).
 * The base defines hk_purge_keep and hk_purge_set_capacity of hk_purge.h on it. */
static int64_t hk_purge_capacity;

/* Start-up: the limits from the tunables and the cgroup (no allocation). */
static void hk_purge_limit_init(void);
/* Probes soft_limit, limit_passes, cgroup_limit_of, hard_limit, hard_refusals; -1 for another.
 * A box's hk_purge_probe names them all at once with the case labels HK_PURGE_LIMIT_PROBES. */
static int hk_purge_limit_probe(enum hk_purge_probe p, int64_t arg, int64_t *out);
#define HK_PURGE_LIMIT_PROBES          \
  case HK_PROBE_PURGE_SOFT_LIMIT:      \
  case HK_PROBE_PURGE_LIMIT_PASSES:    \
  case HK_PROBE_PURGE_CGROUP_LIMIT_OF: \
  case HK_PROBE_PURGE_HARD_LIMIT:      \
  case HK_PROBE_PURGE_HARD_REFUSALS

#endif
