/* Slot `sharedpool`: the process-wide pool of empty slabs and empty whole chunks. Heaps take
 * from it when their slabs run out and give slabs back when they empty. Resting memory is
 * resident or cold; when pages go back to the OS is the purge slot's decision (hk_purge_keep
 * as memory comes to rest, hk_pool_purge later). */
#ifndef HK_SLOT_SHAREDPOOL_H
#define HK_SLOT_SHAREDPOOL_H

#include "hk_prelude.h"
#include "hakmem/hk_superslab.h"
#include "hakmem/hk_purge.h"
#include "hakmem/hk_stats.h"

static hk_slab_t *hk_pool_take_slab(void); /* an empty 64 KiB slab, owner POOL; NULL on OOM */
/* an empty chunk (unformatted), preferably the one that last served cls (its pages touched
 * where cls's blocks lie; cls >= HK_NUM_CLASSES: any); NULL on OOM */
static hk_chunk_t *hk_pool_take_chunk(uint32_t cls);
static void hk_pool_give_slab(hk_slab_t *s); /* s is empty and owned by nobody */
static void hk_pool_give_chunk(hk_chunk_t *ch);
/* Give back the pages of resident resting slabs and chunks stamped before `before` (ms;
 * UINT64_MAX: all; 0: none), oldest first, then unmap every chunk that rests whole and cold
 * (address space returns); returns the bytes of pages given back. Called by the purge slot
 * and trim. */
static size_t hk_pool_purge(uint64_t before);
/* Optional hooks (hk_sharedpool_init, hk_sharedpool_lock_all, hk_sharedpool_unlock_all,
 * hk_sharedpool_reset_locks): a box with nothing to do there leaves them out, and the composer
 * defines them empty (`optional` in native/src/slots.ts). */
static void hk_sharedpool_init(void);
/* fork: a box that keeps locks takes them all before fork (after the heaps lock: a heap's
 * trim gives slabs back under it), releases them in the parent and resets them in the child.
 * A lock-free box makes all three no-ops. */
static void hk_sharedpool_lock_all(void);
static void hk_sharedpool_unlock_all(void);
static void hk_sharedpool_reset_locks(void);
/* The slot's probes (hakmem_probe("sharedpool", name, ...)): a switch over enum hk_sharedpool_probe, generated
 * from the slot list, with one case for every HK_PROBE_SHAREDPOOL_* and no default (-Werror=switch
 * refuses a box that leaves one out); a probe the box does not answer is a case returning -1.
 * 0 and *out set when answered. Cold: tools, tests and the core's reports. */
static int hk_sharedpool_probe(enum hk_sharedpool_probe p, int64_t arg, int64_t *out);

#endif
