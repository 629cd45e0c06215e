/* large/bigcache — every block above the slab range is its own registered mapping (2 MiB
 * aligned, so free finds its header by the same mask as a slab block). Freed mappings rest in
 * a small cache (cacheEntries, cacheBytes; the oldest is evicted first) and a request takes
 * the smallest one that fits, which skips the mmap and the page faults (one that wastes too much
 * address space is left for a bigger request). cacheBytes bounds
 * what the cache keeps resident. Header and aligned-block handling (blocks aligned to 2 MiB or more,
 * found by a side table and never cached) are the mappings base's (common/hk_large_mappings.h).
 *
 * Hardening (the base's tunables): a cached mapping keeps its guard page (guard) where its last
 * block ended (the entry remembers the offset); a reuse for a block of another page count moves
 * it (two mprotects of one page), and the cache's figures count the guard page with the rest of
 * the mapping. A reused mapping's block reads as zero (scrub): zeroed when taken, which is also
 * calloc's zeroing. Measured on the vm benchmark (2-8 MiB blocks, every page touched): 16x the
 * throughput of MADV_DONTNEED when cached (every page faults again), the same as zeroing the
 * freed block when cached, which would also pay for mappings evicted unused (see README). */

#include "hk_large_mappings.h"

#define HK_LARGE_SLOTS (HK_CFG_LARGE_CACHE_ENTRIES > 0 ? HK_CFG_LARGE_CACHE_ENTRIES : 1)

typedef struct {
  hk_chunk_t *ch;
  size_t len;
  uint64_t since; /* hk_purge_stamp */
  size_t guard;   /* the offset of its guard page (guard tunable): the last block's end */
} hk_large_entry_t;

/* The lock guards the array; the two totals are also read without it (probes, the empty
 * test), so they are written atomically. */
static hk_lock_t hk_large_lock = HK_LOCK_INIT;
static hk_large_entry_t hk_large_cache[HK_LARGE_SLOTS];
static uint32_t hk_large_cached;
static size_t hk_large_cached_bytes;

/* Remove entry i (under the lock), keeping the others oldest first. */
static hk_large_entry_t hk_large_cache_remove(uint32_t i) {
  hk_large_entry_t e = hk_large_cache[i];
  uint32_t n = __atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED) - 1;
  memmove(&hk_large_cache[i], &hk_large_cache[i + 1], (n - i) * sizeof e);
  __atomic_store_n(&hk_large_cached, n, __ATOMIC_RELAXED);
  __atomic_store_n(&hk_large_cached_bytes, __atomic_load_n(&hk_large_cached_bytes, __ATOMIC_RELAXED) - e.len,
                   __ATOMIC_RELAXED);
  return e;
}

/* A fit wastes too much when it is more than twice the request and more than 32 MiB over it:
 * a small block would hold a big mapping's address space (which no purge can take back while
 * the block lives), so such a request maps afresh and the big mapping stays cached for a big
 * one. Below that, the smallest fit is taken whole: its pages are faulted in already, and
 * trimming it would fault them again for the next big request (the vm benchmark). */
static inline int hk_large_fit_too_big(size_t got, size_t len) {
  return got / 2 > len && got - len > ((size_t)32 << 20);
}

/* The smallest cached mapping of at least len bytes that does not waste too much. If none
 * fits, the biggest one, which the caller grows: its pages move into the new mapping instead
 * of being unmapped later while a fresh one faults all of its own. *got < len says which.
 * NULL if the cache is empty or only holds mappings far too big. */
static hk_chunk_t *hk_large_cache_take(size_t len, size_t *got, size_t *guard) {
  if (HK_CFG_LARGE_CACHE_ENTRIES == 0 || !__atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED)) return NULL;
  hk_large_entry_t e = { NULL, 0, 0, 0 };
  hk_lock(&hk_large_lock);
  uint32_t fit = UINT32_MAX, biggest = UINT32_MAX, n = __atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED);
  int any_fits = 0;
  for (uint32_t i = 0; i < n; i++) {
    size_t l = hk_large_cache[i].len;
    if (l >= len) any_fits = 1;
    if (l >= len && !hk_large_fit_too_big(l, len) && (fit == UINT32_MAX || l < hk_large_cache[fit].len)) fit = i;
    if (biggest == UINT32_MAX || l > hk_large_cache[biggest].len) biggest = i;
  }
  if (fit != UINT32_MAX) e = hk_large_cache_remove(fit);
  else if (n && !any_fits) e = hk_large_cache_remove(biggest);
  hk_unlock(&hk_large_lock);
  *got = e.len;
  *guard = e.guard;
  return e.ch;
}

/* Keep a freed mapping (its guard page at offset guard); evict the oldest to stay within the
 * limits. Unmapping happens outside the lock. Returns 0 when the mapping is too big to keep. */
static int hk_large_cache_put(hk_chunk_t *ch, size_t len, size_t guard) {
  if (HK_CFG_LARGE_CACHE_ENTRIES == 0 || len > (size_t)HK_CFG_LARGE_CACHE_BYTES) return 0;
  hk_large_entry_t evicted[4];
  uint32_t ne = 0;
  hk_chunk_set_owner(ch, HK_OWNER_POOL); /* a second free of it is now an invalid free */
  hk_large_retire(ch);                   /* and a forged owner finds no valid record */
  hk_lock(&hk_large_lock);
  while ((__atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED) >= HK_LARGE_SLOTS ||
          __atomic_load_n(&hk_large_cached_bytes, __ATOMIC_RELAXED) + len > (size_t)HK_CFG_LARGE_CACHE_BYTES) &&
         ne < 4)
    evicted[ne++] = hk_large_cache_remove(0);
  uint32_t n = __atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED);
  size_t bytes = __atomic_load_n(&hk_large_cached_bytes, __ATOMIC_RELAXED);
  int kept = n < HK_LARGE_SLOTS && bytes + len <= (size_t)HK_CFG_LARGE_CACHE_BYTES;
  if (kept) {
    hk_large_cache[n] = (hk_large_entry_t){ ch, len, hk_purge_stamp(), guard };
    __atomic_store_n(&hk_large_cached_bytes, bytes + len, __ATOMIC_RELAXED);
    __atomic_store_n(&hk_large_cached, n + 1, __ATOMIC_RELAXED);
  }
  hk_unlock(&hk_large_lock);
  for (uint32_t i = 0; i < ne; i++) hk_superslab_unmap_large(evicted[i].ch, evicted[i].len);
  return kept;
}

/* None of the cached mappings fitted: grow the biggest one (old, got bytes, its guard page at
 * offset guard) to len, its pages moved (mremap), not faulted again. Guarded, the guard page
 * becomes ordinary memory first (one move cannot span the areas a guard splits a mapping into)
 * and the new mapping's last page becomes the guard: two mprotects on a path that already makes
 * two syscalls. NULL when the OS refuses; old is then back in the cache (guarded again) or
 * unmapped. */
static hk_chunk_t *hk_large_cache_grow(hk_chunk_t *old, size_t got, size_t guard, size_t len) {
  if (hk_large_unguard(old, guard)) {
    hk_chunk_t *ch = hk_superslab_grow_large(old, got, len);
    if (ch) {
      if (hk_large_guard(ch, len - HK_PAGE)) return ch;
      hk_superslab_unmap_large(ch, len);
      return NULL;
    }
    if (!hk_large_guard(old, guard)) {
      hk_superslab_unmap_large(old, got);
      return NULL;
    }
  }
  if (!hk_large_cache_put(old, got, guard)) hk_superslab_unmap_large(old, got);
  return NULL;
}

/* The block p of a reused mapping, whose first `dirty` bytes may hold what an earlier block
 * left there: scrub zeroes all of its usable bytes that may (the program can read them all,
 * malloc_usable_size says so), calloc (zero) its first size bytes. Either way no second memset:
 * scrubbed, calloc's zeros are already there. Fresh pages (beyond dirty: a grown mapping's new
 * part) read as zero and are not touched, so they are not faulted in for nothing. The block
 * is free until the core hands it out: the checker is told (hk_track_open). */
static void hk_large_zero_reused(hk_chunk_t *ch, uint8_t *p, size_t size, int zero, size_t dirty) {
  size_t off = (size_t)(p - (uint8_t *)ch);
  size_t n = HK_CFG_LARGE_SCRUB ? hk_large_rec(ch)->size : zero ? size : 0;
  if (off >= dirty) return;
  if (n > dirty - off) n = dirty - off;
  if (!n) return;
  hk_track_open(p, n);
  memset(p, 0, n);
  hk_track_close(p, n);
}

static void *hk_large_alloc(size_t size, size_t align, int zero) {
  size_t len, got = 0, guard = 0;
  if (!hk_large_layout(size, align, &len)) return NULL;
  hk_chunk_t *ch = align < HK_CHUNK_SIZE ? hk_large_cache_take(len, &got, &guard) : NULL;
  size_t dirty = got; /* bytes from the mapping's start that an earlier block may have written */
  if (ch && got < len) {
    ch = hk_large_cache_grow(ch, got, guard, len);
    got = len;
  } else if (ch && !hk_large_guard_move(ch, guard, len - HK_LARGE_GUARD_BYTES)) {
    hk_superslab_unmap_large(ch, got); /* the OS refused (map count): no half-guarded block */
    ch = NULL;
  }
  if (!ch) {
    ch = hk_large_map(len, align);
    if (!ch) return NULL;
    got = len;
    dirty = 0;
  }
  uint8_t *p = hk_large_publish(ch, got, size, align);
  if (p && dirty) hk_large_zero_reused(ch, p, size, zero, dirty);
  return p;
}

/* The record is verified before its map_len decides what is cached or unmapped. */
static void hk_large_free(hk_chunk_t *ch) {
  int saved = errno;
  hk_large_rec_t r = hk_large_rec_checked(ch);
  if (hk_large_forget_aligned(ch, &r) || !hk_large_cache_put(ch, r.map_len, r.offset + r.size))
    hk_superslab_unmap_large(ch, r.map_len);
  hk_purge_tick();
  errno = saved;
}

/* Entries are oldest first: those stamped before `before` leave from the front. */
static size_t hk_large_purge(uint64_t before) {
  if (HK_CFG_LARGE_CACHE_ENTRIES == 0 || !__atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED)) return 0;
  hk_large_entry_t gone[HK_LARGE_SLOTS];
  uint32_t n = 0;
  hk_lock(&hk_large_lock);
  while (__atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED) && hk_large_cache[0].since < before)
    gone[n++] = hk_large_cache_remove(0);
  hk_unlock(&hk_large_lock);
  size_t bytes = 0;
  for (uint32_t i = 0; i < n; i++) {
    hk_superslab_unmap_large(gone[i].ch, gone[i].len);
    bytes += gone[i].len;
  }
  return bytes;
}

static void hk_large_init(void) { hk_large_mappings_init(); }
static void hk_large_lock_all(void) {
  hk_lock(&hk_large_lock);
  hk_lock(&hk_large_aligned_lock);
}
static void hk_large_unlock_all(void) {
  hk_unlock(&hk_large_aligned_lock);
  hk_unlock(&hk_large_lock);
}
static void hk_large_reset_locks(void) {
  hk_lock_reset(&hk_large_lock);
  hk_lock_reset(&hk_large_aligned_lock);
}

static int hk_large_probe(enum hk_large_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_LARGE_CACHED: *out = __atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED); return 0;
  case HK_PROBE_LARGE_CACHED_BYTES: *out = (int64_t)__atomic_load_n(&hk_large_cached_bytes, __ATOMIC_RELAXED); return 0;
  }
  return -1;
}
