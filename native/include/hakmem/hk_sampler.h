/* Slot `sampler`: a sampled heap profile, the model tcmalloc and jemalloc use. A box decides
 * which allocations are sampled, records each sample's size and call stack, recognises a
 * sampled block's free, and writes the raw profile (docs/profile-format.md, hakmem-profile v1)
 * that `hakmem profile` symbolises outside the process. `none` defines every call empty, so a
 * variant without a profiler compiles to the same code.
 *
 * Who calls what:
 * - the core, on every block malloc hands out (slab hit, miss, large), next to hk_track_malloc:
 *   hk_sampler_alloc(p, size) with the block's size (a slab block's stride, a large block's
 *   requested size). An aligned allocation above 64 is its container block;
 * - the core's free, on every valid free (local, remote, large), next to hk_track_free:
 *   hk_sampler_free(p) with the same address the alloc saw. free(NULL), foreign, interior
 *   (resolved to their container first) and double frees never reach it;
 * - the core's hakmem_profile_dump(path) (hakmem.h): hk_sampler_dump(path, "api").
 * Neither hook may be called with a lock of the allocator held that the box's own lock could
 * wait on: the box's lock is a leaf (nothing is taken or allocated while it is held), taken in
 * lockAll after every heap's lock for fork.
 * A box may call malloc through its stack unwinder (glibc's backtrace loads libgcc_s once);
 * it must then serve those allocations without sampling them (no recursion). */
#ifndef HK_SLOT_SAMPLER_H
#define HK_SLOT_SAMPLER_H

#include "hk_prelude.h"

/* p (size bytes) is handed to the program. FAST_PATH: budgeted by the box. */
static inline void hk_sampler_alloc(void *p, size_t size);
/* p comes back from the program, checked. FAST_PATH: budgeted by the box. */
static inline void hk_sampler_free(void *p);
/* Write the raw profile to path (reason: "exit", "api" or "signal"). 0 when written; -1 with
 * errno set otherwise (ENOTSUP: the box keeps no profile; open's errno). */
static int hk_sampler_dump(const char *path, const char *reason);
/* Optional hooks (hk_sampler_init, hk_sampler_lock_all, hk_sampler_unlock_all,
 * hk_sampler_reset_locks): a box with nothing to do there leaves them out, and the composer
 * defines them empty (`optional` in native/src/slots.ts). */
static void hk_sampler_init(void);
static void hk_sampler_lock_all(void);
static void hk_sampler_unlock_all(void);
static void hk_sampler_reset_locks(void);
/* The slot's probes (hakmem_probe("sampler", name, ...)): a switch over enum hk_sampler_probe, generated
 * from the slot list, with one case for every HK_PROBE_SAMPLER_* and no default (-Werror=switch
 * refuses a box that leaves one out); a probe the box does not answer is a case returning -1.
 * 0 and *out set when answered. Cold: tools, tests and the core's reports. */
static int hk_sampler_probe(enum hk_sampler_probe p, int64_t arg, int64_t *out);

#endif
