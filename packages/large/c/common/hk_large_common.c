/* large/common (base `mappings`) — what every large box shares: the layout of a large block (its header is the
 * chunk header of its own registered mapping, 2 MiB aligned, so free finds it by the same mask
 * as a slab block), and the side table for blocks aligned to 2 MiB or more, which cannot keep
 * their header in their own chunk. A box adds what happens to a freed mapping (bigcache: kept for
 * reuse, direct: unmapped at once). The contract is hk_large_mappings.h. */

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

/* Where a block of size bytes aligned to align starts in its mapping (*offset: the header page,
 * or the alignment), and how long the mapping is (*len). 0 when the size overflows (errno set). */
static int hk_large_layout(size_t size, size_t align, size_t *offset, size_t *len) {
  size_t off = align > HK_PAGE ? align : HK_PAGE;
  if (size > (size_t)PTRDIFF_MAX - off - HK_CHUNK_SIZE) {
    errno = ENOMEM;
    return 0;
  }
  *offset = off;
  *len = HK_ALIGN_UP(off + size, HK_PAGE);
  return 1;
}

/* A fresh registered mapping of len bytes for a block at offset; NULL with ENOMEM. When the
 * OS refuses, everything idle goes back first (malloc_trim's work: the caller's front, the
 * pool's whole chunks, the large cache) and the mapping is tried once more. */
static hk_chunk_t *hk_large_map(size_t len, size_t offset) {
  size_t align = offset >= HK_CHUNK_SIZE ? offset : HK_CHUNK_SIZE;
  hk_chunk_t *ch = hk_superslab_map_large(len, align);
  if (!ch) {
    hk_pressure(0);
    ch = hk_superslab_map_large(len, align);
  }
  if (!ch) errno = ENOMEM;
  return ch;
}

/* Writes the header of a mapping of got bytes, serving a request of len bytes (page-rounded,
 * offset included) whose block starts at offset, then publishes it as a live large block;
 * returns the block. The usable size is the request's: a bigger cached mapping does not make
 * the block look bigger. A block aligned past 2 MiB enters the side table;
 * when the table is full the mapping is unmapped and the result is NULL with ENOMEM. */
static void *hk_large_publish(hk_chunk_t *ch, size_t got, size_t len, size_t offset) {
  ch->shift = HK_CHUNK_SHIFT;
  ch->kind = HK_CHUNK_LARGE;
  hk_large_rec_t *r = hk_large_rec(ch);
  r->map_len = got;
  r->offset = offset;
  r->size = len - offset;
  uint8_t *p = (uint8_t *)ch + offset;
  if (offset >= HK_CHUNK_SIZE && !hk_large_aligned_add(p, ch)) {
    hk_superslab_unmap_large(ch, got);
    errno = ENOMEM;
    return NULL;
  }
  hk_chunk_set_owner(ch, HK_OWNER_LARGE);
  __atomic_fetch_add(&hk_large_live_count, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&hk_large_live_mapped, (int64_t)got, __ATOMIC_RELAXED);
  __atomic_fetch_add(&hk_large_live_usable, (int64_t)r->size, __ATOMIC_RELAXED);
  return p;
}

/* A freed block leaves the live figures, and, aligned past 2 MiB, the side table; 1 if it
 * was one of those (never cached). */
static int hk_large_forget_aligned(hk_chunk_t *ch) {
  const hk_large_rec_t *r = hk_large_rec(ch);
  __atomic_fetch_sub(&hk_large_live_count, 1, __ATOMIC_RELAXED);
  __atomic_fetch_sub(&hk_large_live_mapped, (int64_t)r->map_len, __ATOMIC_RELAXED);
  __atomic_fetch_sub(&hk_large_live_usable, (int64_t)r->size, __ATOMIC_RELAXED);
  if (r->offset < HK_CHUNK_SIZE) return 0;
  hk_large_find_aligned(hk_large_block(ch), 1);
  return 1;
}

static size_t hk_large_usable(const hk_chunk_t *ch) { return hk_large_rec_const(ch)->size; }

static void hk_large_live(int64_t *count, int64_t *mapped, int64_t *usable) {
  *count = __atomic_load_n(&hk_large_live_count, __ATOMIC_RELAXED);
  *mapped = __atomic_load_n(&hk_large_live_mapped, __ATOMIC_RELAXED);
  *usable = __atomic_load_n(&hk_large_live_usable, __ATOMIC_RELAXED);
}

static inline void *hk_large_block(const hk_chunk_t *ch) { return (uint8_t *)ch + hk_large_rec_const(ch)->offset; }
