/* Slot `freegate`: routes free(p). Budget for the local free: a mask, a registry test, the
 * slab's owner compare, the block-start test (two compares, one multiply), the free-mark test
 * and the front push. Remote: the same tests, the free mark, then hk_remote_free (the remote
 * slot). A pointer that is not a live block (foreign, interior, freed) goes to the variant's
 * policy and nothing is written.
 * The gate owns a block's word 1 (the free mark, written on every free, cleared by
 * hk_freegate_on_alloc) and the encoding of word 0 links (hk_link_store/hk_link_load, which
 * the front, refill and remote slots call); an aligned allocation's container carries the
 * gate's interior tag in word 0 while it is live. No other slot writes into a block.
 * Memory checkers (the track slot): the gate calls hk_track_free on every valid free before it
 * writes the mark, and brackets every access to a free block (links, the mark) with
 * hk_track_open and hk_track_close; a box's hk_link_store and hk_link_load do so themselves.
 * Heap profiles (the sampler slot): next to hk_track_free, hk_sampler_free(p). */
#ifndef HK_SLOT_FREEGATE_H
#define HK_SLOT_FREEGATE_H

#include "hk_prelude.h"
#include "hakmem/hk_track.h"
#include "hakmem/hk_sampler.h"
#include "hakmem/hk_superslab.h"
#include "hakmem/hk_front.h"
#include "hakmem/hk_remote.h"
#include "hakmem/hk_large.h"
#include "hakmem/hk_refill.h"
#include "hakmem/hk_stats.h"

/* HK_KIND_INTERIOR: an aligned pointer handed out inside a slab block (alignments above 64). */
enum hk_kind { HK_KIND_FOREIGN = 0, HK_KIND_SLAB = 1, HK_KIND_LARGE = 2, HK_KIND_INTERIOR = 3 };

static inline void hk_freegate_free(void *p);
/* Every free-list link (front cache and slab lists) is written and read through these, so a
 * checking gate can keep links encoded and catch an overwritten one; `fast` stores them plain. */
static inline void hk_link_store(void *p, void *next);
static inline void *hk_link_load(const void *p);
/* Called on every block malloc hands out of a slab: clears the block's free mark. */
static inline void hk_freegate_on_alloc(void *p);
/* The mark a freed slab block carries in its second word; a free that finds it is a double free. */
static inline uintptr_t hk_freegate_mark(const void *p);
static void hk_freegate_init(void);
/* What p is; sets *chp (and *sp for slab blocks). Never reads unregistered memory. */
static int hk_freegate_classify(const void *p, hk_chunk_t **chp, hk_slab_t **sp);
/* The tag an aligned allocation writes in the first word of the slab block it was cut from,
 * naming the pointer the caller got; free, realloc and malloc_usable_size find the block by it. */
static inline uintptr_t hk_freegate_interior_tag(const void *q);
/* The block of s that q was handed out inside (by its tag), or NULL. */
static uint8_t *hk_freegate_interior_base(const hk_slab_t *s, const void *q);
/* The policy for a pointer that is not a live block of ours. */
static void hk_freegate_invalid(const void *p, const char *what);
/* realloc(p) of something that is not a live block: say what it is, then the policy. */
static void hk_freegate_invalid_realloc(const void *p);
static int hk_freegate_probe(const char *name, int64_t arg, int64_t *out);

#endif
