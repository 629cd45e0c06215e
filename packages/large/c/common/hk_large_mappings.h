/* large's base `mappings` (@hakmem/large, defineBase): a large block is its own registered
 * mapping, 2 MiB aligned, whose chunk header records it (hk_large_rec_t, in the chunk's
 * slot_area), so free finds it by the same mask as a slab block; blocks aligned to 2 MiB or
 * more, whose header cannot sit in their own chunk, live in a side table.
 *
 * The base defines hk_large_find_aligned, hk_large_usable and hk_large_block of hk_large.h
 * and the helpers below; a box defines the rest of hk_large.h (alloc, free, purge, init, the
 * fork hooks, which take hk_large_aligned_lock, and the probe): what happens to a freed
 * mapping. It writes into no block. */
#ifndef HK_LARGE_MAPPINGS_H
#define HK_LARGE_MAPPINGS_H

#include "hakmem/hk_large.h"

/* What a large chunk's header records, in its slot_area. */
typedef struct __attribute__((may_alias)) {
  size_t map_len; /* bytes mapped */
  size_t size;    /* usable bytes */
  size_t offset;  /* the block's offset from the chunk */
} hk_large_rec_t;

_Static_assert(sizeof(hk_large_rec_t) <= sizeof(((hk_chunk_t *)0)->slot_area), "the record fits the chunk's slot area");

static inline hk_large_rec_t *hk_large_rec(hk_chunk_t *ch) { return (hk_large_rec_t *)(void *)ch->slot_area; }
static inline const hk_large_rec_t *hk_large_rec_const(const hk_chunk_t *ch) {
  return (const hk_large_rec_t *)(const void *)ch->slot_area;
}

/* The side table's lock: a box's fork hooks take, release and reset it. */
static hk_lock_t hk_large_aligned_lock;

/* The offset and mapping length (page multiple) of a block of size bytes aligned to align;
 * 0 with ENOMEM when they overflow. */
static int hk_large_layout(size_t size, size_t align, size_t *offset, size_t *len);
/* A fresh registered mapping of len bytes for a block at offset; NULL with ENOMEM (after the
 * purge slot gave back what it could). */
static hk_chunk_t *hk_large_map(size_t len, size_t offset);
/* Record a mapping of got bytes serving len bytes (offset included) at offset and publish it
 * as a live large block; the block, or NULL with ENOMEM (the mapping is then gone). */
static void *hk_large_publish(hk_chunk_t *ch, size_t got, size_t len, size_t offset);
/* Every free of a large block calls it first: the block leaves the live figures
 * (hk_large_live) and, aligned past 2 MiB, the side table; 1 if it was one (never cached). */
static int hk_large_forget_aligned(hk_chunk_t *ch);

#endif
