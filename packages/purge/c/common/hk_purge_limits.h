/* purge's base `limits` (@hakmem/purge, defineBase): what every purge box honours and reads.
 * It defines hk_purge_before_map of hk_purge.h (the soft limit: past it, everything idle goes
 * back before a mapping is made; the hard limit: past it even then, the mapping is refused),
 * hk_purge_keep and hk_purge_set_capacity (the capacity rule below) and the helpers below; a
 * box defines the rest of hk_purge.h and hk_purge_capacity, calls hk_purge_limit_init from
 * hk_purge_init and hk_purge_limit_probe from its probe.
 * It reads the tunables HK_CFG_PURGE_SOFT_LIMIT and HK_CFG_PURGE_HARD_LIMIT (MiB), which
 * HAKMEM_SOFT_LIMIT and HAKMEM_LIMIT replace at start-up. It writes into no block, slab or chunk. */
#ifndef HK_PURGE_LIMITS_H
#define HK_PURGE_LIMITS_H

#include "hakmem/hk_purge.h"

/* The capacity rule every box shares: what comes to rest stays resident while fewer than
 * hk_purge_capacity slabs (64 KiB; a chunk counts as 32) rest resident. The box defines the
 * variable with its initial value (decay and background: maxSlabs, eager: keepSlabs, retain:
 * INT64_MAX, none); mallopt(M_TRIM_THRESHOLD) changes it at run time (hk_purge_set_capacity).
 * The base defines hk_purge_keep and hk_purge_set_capacity of hk_purge.h on it. */
static int64_t hk_purge_capacity;

/* Environment variable `name` as a number in [0, max] (`unit` names it in the one-line
 * warning a bad value prints), else dflt. Reads without allocating. */
static uint64_t hk_purge_env_u64(const char *name, uint64_t dflt, uint64_t max, const char *unit);
/* Environment variable `name` as bytes (K, M, G suffixes), else dflt. */
static uint64_t hk_purge_env_size(const char *name, uint64_t dflt);
/* Start-up: the soft limit from the tunable, HAKMEM_SOFT_LIMIT and the cgroup (no allocation). */
static void hk_purge_limit_init(void);
/* Probes soft_limit, limit_passes, cgroup_limit_of; -1 for another name. */
static int hk_purge_limit_probe(const char *name, int64_t arg, int64_t *out);

#endif
