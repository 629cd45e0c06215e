/* large/common (base `mappings`) — what every large box shares: the layout of a large block (its
 * header is the chunk header of its own registered mapping, 2 MiB aligned, so free finds it by
 * the same mask as a slab block), the record's checksum that keeps a heap overflow from
 * steering free, the guard page after the block (tunable `guard`), and the side table for
 * blocks aligned to 2 MiB or more, which cannot keep their header in their own chunk. A box adds
 * what happens to a freed mapping (bigcache: kept for reuse, direct: unmapped at once). The
 * contract is hk_large_mappings.h. */

#include "hk_large_mappings.h"

#define HK_LARGE_ALIGNED_MAX 64

static hk_lock_t hk_large_aligned_lock = HK_LOCK_INIT;
/* Live large blocks: how many, the bytes of their mappings, their usable bytes (hk_large_live). */
static int64_t hk_large_live_count, hk_large_live_mapped, hk_large_live_usable;
static struct {
  const void *p;
  hk_chunk_t *ch;
} hk_large_aligned[HK_LARGE_ALIGNED_MAX];
static uint32_t hk_large_aligned_count;

static int hk_large_aligned_add(const void *p, hk_chunk_t *ch) {
  int ok = 0;
  hk_lock(&hk_large_aligned_lock);
  for (uint32_t i = 0; i < HK_LARGE_ALIGNED_MAX; i++)
    if (!hk_large_aligned[i].p) {
      hk_large_aligned[i].p = p;
      hk_large_aligned[i].ch = ch;
      ok = 1;
      __atomic_fetch_add(&hk_large_aligned_count, 1, __ATOMIC_RELAXED);
      break;
    }
  hk_unlock(&hk_large_aligned_lock);
  return ok;
}

/* The header of a block aligned to 2 MiB or more (unregistered address), or NULL. */
static hk_chunk_t *hk_large_find_aligned(const void *p, int remove) {
  if (!p || !__atomic_load_n(&hk_large_aligned_count, __ATOMIC_RELAXED)) return NULL;
  hk_chunk_t *ch = NULL;
  hk_lock(&hk_large_aligned_lock);
  for (uint32_t i = 0; i < HK_LARGE_ALIGNED_MAX; i++)
    if (hk_large_aligned[i].p == p) {
      ch = hk_large_aligned[i].ch;
      if (remove) {
        hk_large_aligned[i].p = NULL;
        __atomic_fetch_sub(&hk_large_aligned_count, 1, __ATOMIC_RELAXED);
      }
      break;
    }
  hk_unlock(&hk_large_aligned_lock);
  return ch;
}

/* ---- the record's checksum ---- */

/* Two 64-bit words of hk_os_random, set once before any allocation (hk_large_mappings_init). */
static uint64_t hk_large_key[2];

static void hk_large_mappings_init(void) {
  hk_large_key[0] = hk_os_random() | 1; /* never zero: a zero key would leave the address unmixed */
  hk_large_key[1] = hk_os_random() | 1;
}

/* The 128-bit product folded to 64 bits (wyhash's "mum"): unlike a multiply by a constant it
 * cannot be inverted, so a record and its checksum, if ever read, do not give the key away. */
static inline uint64_t hk_large_mum(uint64_t a, uint64_t b) {
  __uint128_t r = (__uint128_t)a * b;
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* Two multiplies: every field and the chunk's address (a record copied to another chunk does
 * not verify) mixed with the key. A blind overwrite passes with probability 2^-64. */
static inline uint64_t hk_large_sum(const hk_chunk_t *ch, size_t map_len, size_t size, size_t offset) {
  uint64_t h = hk_large_mum((uintptr_t)ch ^ hk_large_key[0], map_len ^ hk_large_key[1]);
  return hk_large_mum(h ^ size ^ hk_large_key[1], offset ^ hk_large_key[0]);
}

/* Fields a publish can write: a page-multiple mapping below 2^47 bytes, the block 16-byte
 * aligned after the header page, non-empty, inside the mapping and, guarded, ending exactly at
 * a page boundary with its guard page still inside the mapping. */
static inline int hk_large_rec_sane(const hk_large_rec_t *r) {
  if ((r->map_len & (HK_PAGE - 1)) || r->map_len > ((size_t)1 << 47)) return 0;
  if (r->offset < HK_PAGE || (r->offset & 15) || r->offset >= r->map_len) return 0;
  if (r->size == 0 || (r->size & 15) || r->size > r->map_len - r->offset) return 0;
  if (HK_CFG_LARGE_GUARD) return ((r->offset + r->size) & (HK_PAGE - 1)) == 0 && r->offset + r->size < r->map_len;
  return 1;
}

HK_COLD static void hk_large_corrupted(const hk_chunk_t *ch) {
  hk_os_fatal("large block header corrupted (heap overflow?) at", ch);
}

static inline hk_large_rec_t hk_large_rec_checked(const hk_chunk_t *ch) {
  hk_large_rec_t r = *hk_large_rec_const(ch);
  if (HK_UNLIKELY(!hk_large_rec_sane(&r) || r.check != hk_large_sum(ch, r.map_len, r.size, r.offset)))
    hk_large_corrupted(ch);
  return r;
}

static void hk_large_retire(hk_chunk_t *ch) { memset(hk_large_rec(ch), 0, sizeof(hk_large_rec_t)); }

/* ---- layout ----
 * The block starts in the first 2 MiB of its mapping (at hk_large_first, or within the page
 * after it), whatever the mapping's length: free finds the header by masking the block's
 * address, so a block may not start past the header's chunk (except the blocks aligned to
 * 2 MiB or more, found through the side table). Guarded, it ends at a page boundary and the
 * page right after it is the guard: in a fresh mapping its last page; in a bigger cached
 * mapping, a page inside it, which moves when the mapping is reused for another size
 * (hk_large_guard_move: two mprotects of one page). Protecting the whole tail instead takes
 * one mprotect, but over every resident page of the size difference: on the vm benchmark
 * (2-8 MiB blocks reusing cached mappings) 22k ops/s against 63k for the moving page (101k
 * unguarded). */

/* The first offset a block aligned to align may take: after the header page, or at align. */
static inline size_t hk_large_first(size_t align) { return align > HK_PAGE ? align : HK_PAGE; }

/* Guarded, the block is rounded to 16 bytes and pushed up to end at a page boundary (a malloc
 * result is 16-byte aligned; a bigger alignment may leave up to align - 16 more bytes, all of
 * them usable). The usable size runs up to the guard: no byte past it is ever reported.
 * Unguarded: at hk_large_first, page-rounded, as before the guard existed. Either way it does
 * not depend on the mapping's length (a bigger cached mapping does not make the block look
 * bigger). */
static void hk_large_place(size_t size, size_t align, size_t *offset, size_t *usable) {
  size_t first = hk_large_first(align);
  if (HK_CFG_LARGE_GUARD) {
    size_t body = HK_ALIGN_UP(size, 16);
    size_t end = HK_ALIGN_UP(first + body, HK_PAGE); /* the guard page */
    size_t off = (end - body) & ~(align - 1);        /* >= first, a multiple of align */
    *offset = off;
    *usable = end - off;
  } else {
    *offset = first;
    *usable = HK_ALIGN_UP(first + size, HK_PAGE) - first;
  }
}

/* The fresh mapping: the block, then the guard page. 0 with ENOMEM when the size overflows. */
static int hk_large_layout(size_t size, size_t align, size_t *len) {
  size_t off, usable;
  if (size > (size_t)PTRDIFF_MAX - hk_large_first(align) - HK_CHUNK_SIZE) {
    errno = ENOMEM;
    return 0;
  }
  hk_large_place(size, align, &off, &usable);
  *len = off + usable + HK_LARGE_GUARD_BYTES;
  return 1;
}

/* ---- guard pages ---- */

/* One mprotect of the page at ch + at. It splits the mapping's area (one or two more entries
 * of the map count, vm.max_map_count: 65530 by default). */
static int hk_large_guard(hk_chunk_t *ch, size_t at) {
  if (!HK_CFG_LARGE_GUARD) return 1;
  return mprotect((uint8_t *)ch + at, HK_PAGE, PROT_NONE) == 0;
}

/* The page was never writable, so it reads as zero when it becomes part of a block; the kernel
 * merges the areas again. */
static int hk_large_unguard(hk_chunk_t *ch, size_t at) {
  if (!HK_CFG_LARGE_GUARD) return 1;
  return mprotect((uint8_t *)ch + at, HK_PAGE, PROT_READ | PROT_WRITE) == 0;
}

/* The old guard's protection is restored first: the mapping never has two guard pages, one of
 * which could lie inside the new block. No syscall when the guard stays. */
static int hk_large_guard_move(hk_chunk_t *ch, size_t from, size_t to) {
  if (!HK_CFG_LARGE_GUARD || from == to) return 1;
  return hk_large_unguard(ch, from) && hk_large_guard(ch, to);
}

/* A registered mapping with its guard (its last page) in place, or NULL (nothing left mapped). */
static hk_chunk_t *hk_large_map_guarded(size_t len, size_t align) {
  hk_chunk_t *ch = hk_superslab_map_large(len, align);
  if (ch && !hk_large_guard(ch, len - HK_PAGE)) {
    hk_superslab_unmap_large(ch, len);
    ch = NULL;
  }
  return ch;
}

/* A fresh registered mapping of len bytes aligned to max(align, 2 MiB); NULL with ENOMEM. When
 * the OS refuses (the mapping, or its guard: the map count limit), everything idle goes back
 * first (malloc_trim's work: the caller's front, the pool's whole chunks, the large cache) and
 * it is tried once more. */
static hk_chunk_t *hk_large_map(size_t len, size_t align) {
  hk_chunk_t *ch = hk_large_map_guarded(len, align);
  if (!ch) {
    hk_pressure(0);
    ch = hk_large_map_guarded(len, align);
  }
  if (!ch) errno = ENOMEM;
  return ch;
}

/* Writes the header of a mapping of got bytes serving a block of size bytes aligned to align,
 * then publishes it as a live large block; returns the block. The checksum is written with the
 * fields, before the owner is published (hk_layout.h's rule for routing fields). A block aligned
 * past 2 MiB enters the side table; when the table is full the mapping is unmapped and the
 * result is NULL with ENOMEM. */
static void *hk_large_publish(hk_chunk_t *ch, size_t got, size_t size, size_t align) {
  ch->shift = HK_CHUNK_SHIFT;
  ch->kind = HK_CHUNK_LARGE;
  size_t offset, usable;
  hk_large_place(size, align, &offset, &usable);
  hk_large_rec_t *r = hk_large_rec(ch);
  r->map_len = got;
  r->offset = offset;
  r->size = usable;
  r->check = hk_large_sum(ch, got, usable, offset);
  uint8_t *p = (uint8_t *)ch + offset;
  if (offset >= HK_CHUNK_SIZE && !hk_large_aligned_add(p, ch)) {
    hk_superslab_unmap_large(ch, got);
    errno = ENOMEM;
    return NULL;
  }
  hk_chunk_set_owner(ch, HK_OWNER_LARGE);
  __atomic_fetch_add(&hk_large_live_count, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&hk_large_live_mapped, (int64_t)got, __ATOMIC_RELAXED);
  __atomic_fetch_add(&hk_large_live_usable, (int64_t)usable, __ATOMIC_RELAXED);
  return p;
}

/* A freed block (its record verified by the caller) leaves the live figures, and, aligned past
 * 2 MiB, the side table; 1 if it was one of those (never cached). */
static int hk_large_forget_aligned(hk_chunk_t *ch, const hk_large_rec_t *r) {
  __atomic_fetch_sub(&hk_large_live_count, 1, __ATOMIC_RELAXED);
  __atomic_fetch_sub(&hk_large_live_mapped, (int64_t)r->map_len, __ATOMIC_RELAXED);
  __atomic_fetch_sub(&hk_large_live_usable, (int64_t)r->size, __ATOMIC_RELAXED);
  if (r->offset < HK_CHUNK_SIZE) return 0;
  hk_large_find_aligned((uint8_t *)ch + r->offset, 1);
  return 1;
}

static size_t hk_large_usable(const hk_chunk_t *ch) { return hk_large_rec_checked(ch).size; }

static void hk_large_live(int64_t *count, int64_t *mapped, int64_t *usable) {
  *count = __atomic_load_n(&hk_large_live_count, __ATOMIC_RELAXED);
  *mapped = __atomic_load_n(&hk_large_live_mapped, __ATOMIC_RELAXED);
  *usable = __atomic_load_n(&hk_large_live_usable, __ATOMIC_RELAXED);
}

static inline void *hk_large_block(const hk_chunk_t *ch) { return (uint8_t *)ch + hk_large_rec_checked(ch).offset; }
