/* Slot `large`: blocks above the slab range, and blocks whose alignment slabs cannot give.
 * Each is a registered mapping whose chunk header describes it. A box that writes into a
 * reused (freed) block, as zeroing it for calloc, brackets the write with hk_track_open and
 * hk_track_close; the core tells the track slot about the block once hk_large_alloc returns. */
#ifndef HK_SLOT_LARGE_H
#define HK_SLOT_LARGE_H

#include "hk_prelude.h"
#include "hakmem/hk_track.h"
#include "hakmem/hk_superslab.h"
#include "hakmem/hk_purge.h"
#include "hakmem/hk_stats.h"

/* size bytes aligned to align (power of two, >= 16); zeroed when zero != 0; NULL on OOM. */
static void *hk_large_alloc(size_t size, size_t align, int zero);
static void hk_large_free(hk_chunk_t *ch);
/* The header of a block aligned to 2 MiB or more, which lives outside the registry; NULL if p
 * is not one. remove != 0 forgets it (the block is being freed). */
static hk_chunk_t *hk_large_find_aligned(const void *p, int remove);
static size_t hk_large_usable(const hk_chunk_t *ch);
/* Live large blocks (any thread, relaxed): how many, the bytes of their mappings, their
 * usable bytes. */
static void hk_large_live(int64_t *count, int64_t *mapped, int64_t *usable);
/* The block a live large chunk serves (the core's free test: is p the block?). */
static inline void *hk_large_block(const hk_chunk_t *ch);
/* Unmap cached mappings stamped before `before` (ms; UINT64_MAX: all), oldest first; returns
 * the bytes. Called by the purge slot and trim. */
static size_t hk_large_purge(uint64_t before);
static void hk_large_init(void);
static void hk_large_lock_all(void);    /* fork: prepare */
static void hk_large_unlock_all(void);  /* fork: parent */
static void hk_large_reset_locks(void); /* fork: child */
/* The slot's probes (hakmem_probe("large", name, ...)): a switch over enum hk_large_probe, generated
 * from the slot list, with one case for every HK_PROBE_LARGE_* and no default (-Werror=switch
 * refuses a box that leaves one out); a probe the box does not answer is a case returning -1.
 * 0 and *out set when answered. Cold: tools, tests and the core's reports. */
static int hk_large_probe(enum hk_large_probe p, int64_t arg, int64_t *out);

#endif
