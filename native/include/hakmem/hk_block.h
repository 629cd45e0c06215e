/* Slot `block`: what a slab block holds and says about itself — how a free block links to the
 * next (the encoding of word 0), whether a block is live (with the program) or free, and what a
 * box checks when a block changes hands. Routing is the core's (native/core/hk_free.c: local,
 * remote, large, invalid, and the invalid-free policy); the core calls a box at fixed points:
 *
 *   malloc hands out p           hk_block_on_alloc(p, cls)        after hk_track_malloc
 *   free(p), p in slab s         hk_block_live(s, p, off)         nothing written before it says yes
 *     by the slab's owner        hk_block_retire(s, p)            after hk_track_free
 *     by another thread          hk_block_retire_remote(s, p)     after hk_track_free; 0: another
 *                                                                   free of p won the race
 *   p leaves a quarantine        hk_block_leaves_quarantine(s, p) the owner, before its front has it
 *   p back on its slab's list    hk_block_home(p)                 refill, under the owner's lock
 *   an empty slab leaves its     hk_block_slab_leaves(s)          refill, under the owner's lock,
 *     class (to the pool)                                           before the pool has it
 *
 * FAST PATH: hk_block_on_alloc, hk_block_live and hk_block_retire run on every malloc hit and
 * local free; a box states their cost. Every box also defines the links (hk_link_store,
 * hk_link_load), which the front, refill and remote slots call for every link they keep in a
 * free block; the interior tag of aligned blocks; the tail it keeps after each block; its init
 * and its probe.
 *
 * What a box may write into a block: word 0 (a link) while the block is free, and anything in a
 * free block or in the `hk_block_tail()` bytes at the end of a live one; never a live block's
 * first stride - tail bytes. A box may keep state out of the block in the HK_CHUNK_ROOM bytes
 * every chunk of slabs keeps after its header page (hk_chunk_room(ch)), asked for by its
 * manifest's `chunkRoom`. Every write into a free block is bracketed by hk_track_open and
 * hk_track_close (the track slot), so a memory checker sees only the program's accesses.
 *
 * Each box declares the tunable `onInvalid` (report once and ignore, or abort), which the core's
 * invalid-free policy reads as HK_CFG_BLOCK_ON_INVALID. A box may call the core's layout, the
 * OS layer (hk_os_fatal for a corrupted link), the registry (hk_registry_contains) and the
 * track slot; it calls no later slot. */
#ifndef HK_SLOT_BLOCK_H
#define HK_SLOT_BLOCK_H

#include "hk_prelude.h"
#include "hakmem/hk_track.h"
#include "hakmem/hk_superslab.h"

/* Links in free blocks: every one is written and read through these. */
static inline void hk_link_store(void *p, void *next);
static inline void *hk_link_load(const void *p);

/* A block of class cls goes to the program (the malloc hit and miss). */
static inline void hk_block_on_alloc(void *p, uint32_t cls);
/* Is p, at chunk offset off, the start of a block of s that the program holds? Reads only. */
static inline int hk_block_live(const hk_slab_t *s, const void *p, uint32_t off);
/* The slab's owner frees p, which hk_block_live accepted: p is free from now on. */
static inline void hk_block_retire(hk_slab_t *s, void *p);
/* Another thread frees p, which hk_block_live accepted: p is free from now on, unless another
 * free of p got there first (two threads freeing one block): then 0, and nothing changed. */
static inline int hk_block_retire_remote(hk_slab_t *s, void *p);
/* p, freed by its slab's owner, sat in a quarantine since: a box that knows what a free block
 * holds checks that nothing was written into it (a use after free), and aborts if it was. */
static inline void hk_block_leaves_quarantine(const hk_slab_t *s, void *p);
/* p, a free block, goes back onto its slab's free list (under its heap's lock). */
static inline void hk_block_home(void *p);
/* s, empty, leaves its class for the pool (under its heap's lock): what the box left in its
 * free blocks that a block of another class must not find is cleared. */
static void hk_block_slab_leaves(hk_slab_t *s);

/* Bytes the box keeps at the end of every slab block (a canary): not usable by the program. */
static inline uint32_t hk_block_tail(void);
/* 1: the core checks every use of a pointer, not only free: malloc_usable_size of a pointer that
 * is not a live block and a sized free whose size exceeds the block go to the invalid-free
 * policy. A constant: 0 compiles the checks away. */
static inline int hk_block_strict(void);
/* The tag an aligned allocation writes into word 0 of the live slab block it was cut from,
 * naming the pointer the caller got; free, realloc and malloc_usable_size find the block by it. */
static inline uintptr_t hk_block_interior_tag(const void *q);

/* Optional hooks (hk_block_init): a box with nothing to do there leaves them out, and the
 * composer defines them empty (`optional` in native/src/slots.ts). */
static void hk_block_init(void);
/* The slot's probes (hakmem_probe("block", name, ...)): a switch over enum hk_block_probe, generated
 * from the slot list, with one case for every HK_PROBE_BLOCK_* and no default (-Werror=switch
 * refuses a box that leaves one out); a probe the box does not answer is a case returning -1.
 * 0 and *out set when answered. Cold: tools, tests and the core's reports. */
static int hk_block_probe(enum hk_block_probe p, int64_t arg, int64_t *out);

#endif
