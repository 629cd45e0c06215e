/* large's base `mappings` (@hakmem/large, defineBase): a large block is its own registered
 * mapping, 2 MiB aligned, whose chunk header records it (hk_large_rec_t, in the chunk's
 * slot_area), so free finds it by the same mask as a slab block; blocks aligned to 2 MiB or
 * more, whose header cannot sit in their own chunk, live in a side table.
 *
 * The record is not trusted: the header page is memory a heap overflow (from the block below
 * the mapping) can reach, and a forged map_len would make free unmap memory hakmem does not
 * own. It carries a keyed checksum over the chunk's address and its three fields (key from
 * hk_os_random at init), and every use that frees, unmaps, caches or reports the block reads it
 * through hk_large_rec_checked, which aborts in every variant on a mismatch or on fields no
 * publish could have written ("hakmem: large block header corrupted (heap overflow?) at <chunk>").
 *
 * Tunables of the base (HK_CFG_LARGE_*, constants):
 *  - guard: the page right after every large block is PROT_NONE and the block ends right before
 *    it (hk_large_place), so a linear overflow faults at its first byte. The block starts in the
 *    header's 2 MiB chunk (free finds the header by masking), so the guard is the last page of a
 *    fresh mapping, and a page inside a bigger cached one that a box reuses: the box moves it
 *    (hk_large_guard_move: the old page restored first) and, before mremap grows a mapping,
 *    restores it (one move cannot span the areas a guard splits a mapping into). The guard page
 *    counts in the mapping's length everywhere (bytes_mapped, the live figures, a cache's
 *    bytes): it is mapped address space, never resident. Its offset is the block's end,
 *    record.offset + record.size.
 *  - scrub: a box that reuses a freed mapping hands its block out reading as zero (bigcache
 *    zeroes the block when it takes it from its cache); a fresh mapping reads as zero anyway.
 *
 * The base defines hk_large_find_aligned, hk_large_usable and hk_large_block of hk_large.h
 * and the helpers below; a box defines the rest of hk_large.h (alloc, free, purge, init (which
 * calls hk_large_mappings_init first), the fork hooks, which take hk_large_aligned_lock, and
 * the probe): what happens to a freed mapping. It writes into no block but to zero one. */
#ifndef HK_LARGE_MAPPINGS_H
#define HK_LARGE_MAPPINGS_H

#include "hakmem/hk_large.h"

/* What a large chunk's header records, in its slot_area. */
typedef struct __attribute__((may_alias)) {
  size_t map_len; /* bytes mapped, the guard page included */
  size_t size;    /* usable bytes: with a guard, exactly up to it */
  size_t offset;  /* the block's offset from the chunk */
  uint64_t check; /* hk_large_sum of the above and the chunk's address; 0 while cached */
} hk_large_rec_t;

_Static_assert(sizeof(hk_large_rec_t) <= sizeof(((hk_chunk_t *)0)->slot_area), "the record fits the chunk's slot area");

static inline hk_large_rec_t *hk_large_rec(hk_chunk_t *ch) { return (hk_large_rec_t *)(void *)ch->slot_area; }
static inline const hk_large_rec_t *hk_large_rec_const(const hk_chunk_t *ch) {
  return (const hk_large_rec_t *)(const void *)ch->slot_area;
}

/* The guard page's bytes in a mapping (0 without the guard tunable). */
#define HK_LARGE_GUARD_BYTES ((size_t)(HK_CFG_LARGE_GUARD ? HK_PAGE : 0))

/* The record of a live large block, verified (checksum and ranges; aborts otherwise), copied
 * so that what was checked is what the caller uses. Every free, usable size and block lookup
 * goes through it: two multiplies beside a syscall or a lock. */
static inline hk_large_rec_t hk_large_rec_checked(const hk_chunk_t *ch);

/* The side table's lock: a box's fork hooks take, release and reset it. */
static hk_lock_t hk_large_aligned_lock;

/* The key of the record checksums; a box's hk_large_init calls it first (before any
 * allocation). */
static void hk_large_mappings_init(void);
/* The length (page multiple, guard page included) of a fresh mapping for a block of size
 * bytes aligned to align; 0 with ENOMEM when it overflows. */
static int hk_large_layout(size_t size, size_t align, size_t *len);
/* Where that block lies in any mapping of at least that length: its offset and its usable
 * bytes. Unguarded: right after the header page (or at align), page-rounded. Guarded: pushed up
 * (within the page after that) to end at a page boundary, its guard page right after (the
 * 16-byte-rounded size, or up to align - 16 more for a bigger alignment, all of it usable). */
static void hk_large_place(size_t size, size_t align, size_t *offset, size_t *usable);
/* A fresh registered mapping of len bytes aligned to max(align, 2 MiB), its guard (the last
 * page) in place; NULL with ENOMEM (after the purge slot gave back what it could). */
static hk_chunk_t *hk_large_map(size_t len, size_t align);
/* Protect the page at offset `at` of a mapping (guard tunable; 1 without it); 0 when the OS
 * refuses (ENOMEM: the map count limit). hk_large_unguard makes it ordinary memory again;
 * hk_large_guard_move does both (nothing when from == to). */
static int hk_large_guard(hk_chunk_t *ch, size_t at);
static int hk_large_unguard(hk_chunk_t *ch, size_t at);
static int hk_large_guard_move(hk_chunk_t *ch, size_t from, size_t to);
/* Record a mapping of got bytes serving a block of size bytes aligned to align (placed by
 * hk_large_place) and publish it as a live large block; the block, or NULL with ENOMEM (the
 * mapping is then gone). */
static void *hk_large_publish(hk_chunk_t *ch, size_t got, size_t size, size_t align);
/* Every free of a large block calls it first with the verified record: the block leaves the
 * live figures (hk_large_live) and, aligned past 2 MiB, the side table; 1 if it was one (never
 * cached). */
static int hk_large_forget_aligned(hk_chunk_t *ch, const hk_large_rec_t *r);
/* A mapping that rests (a box's cache) holds no valid record: a free routed to it by a forged
 * owner aborts instead of freeing it twice. */
static void hk_large_retire(hk_chunk_t *ch);

#endif
