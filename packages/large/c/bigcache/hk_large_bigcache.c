/* large/bigcache — every block above the slab range is its own registered mapping (2 MiB
 * aligned, so free finds its header by the same mask as a slab block). Freed mappings rest in
 * a small cache (cacheEntries, cacheBytes; the oldest is evicted first) and a request takes
 * the smallest one that fits, which skips the mmap and the page faults (one that wastes too much
 * address space is left for a bigger request). cacheBytes bounds
 * what the cache keeps resident. Header and aligned-block handling (blocks aligned to 2 MiB or more,
 * found by a side table and never cached) are the mappings base's (common/hk_large_mappings.h). */

#include "hk_large_mappings.h"

#define HK_LARGE_SLOTS (HK_CFG_LARGE_CACHE_ENTRIES > 0 ? HK_CFG_LARGE_CACHE_ENTRIES : 1)

typedef struct {
  hk_chunk_t *ch;
  size_t len;
  uint64_t since;
} hk_large_entry_t; /* since: hk_purge_stamp */

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
static hk_chunk_t *hk_large_cache_take(size_t len, size_t *got) {
  if (HK_CFG_LARGE_CACHE_ENTRIES == 0 || !__atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED)) return NULL;
  hk_large_entry_t e = { NULL, 0, 0 };
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
  return e.ch;
}

/* Keep a freed mapping; evict the oldest to stay within the limits. Unmapping happens
 * outside the lock. Returns 0 when the mapping is too big to keep. */
static int hk_large_cache_put(hk_chunk_t *ch, size_t len) {
  if (HK_CFG_LARGE_CACHE_ENTRIES == 0 || len > (size_t)HK_CFG_LARGE_CACHE_BYTES) return 0;
  hk_large_entry_t evicted[4];
  uint32_t ne = 0;
  hk_chunk_set_owner(ch, HK_OWNER_POOL); /* a second free of it is now an invalid free */
  hk_lock(&hk_large_lock);
  while ((__atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED) >= HK_LARGE_SLOTS ||
          __atomic_load_n(&hk_large_cached_bytes, __ATOMIC_RELAXED) + len > (size_t)HK_CFG_LARGE_CACHE_BYTES) &&
         ne < 4)
    evicted[ne++] = hk_large_cache_remove(0);
  uint32_t n = __atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED);
  size_t bytes = __atomic_load_n(&hk_large_cached_bytes, __ATOMIC_RELAXED);
  int kept = n < HK_LARGE_SLOTS && bytes + len <= (size_t)HK_CFG_LARGE_CACHE_BYTES;
  if (kept) {
    hk_large_cache[n] = (hk_large_entry_t){ ch, len, hk_purge_stamp() };
    __atomic_store_n(&hk_large_cached_bytes, bytes + len, __ATOMIC_RELAXED);
    __atomic_store_n(&hk_large_cached, n + 1, __ATOMIC_RELAXED);
  }
  hk_unlock(&hk_large_lock);
  for (uint32_t i = 0; i < ne; i++) hk_superslab_unmap_large(evicted[i].ch, evicted[i].len);
  return kept;
}

static void *hk_large_alloc(size_t size, size_t align, int zero) {
  size_t offset, len, got = 0;
  if (!hk_large_layout(size, align, &offset, &len)) return NULL;
  hk_chunk_t *ch = offset < HK_CHUNK_SIZE ? hk_large_cache_take(len, &got) : NULL;
  if (ch && got < len) { /* none fitted: grow the biggest, or give it back and map afresh */
    hk_chunk_t *old = ch;
    ch = hk_superslab_grow_large(old, got, len);
    if (ch) got = len;
    else if (!hk_large_cache_put(old, got)) hk_superslab_unmap_large(old, got);
  }
  int fresh = ch == NULL;
  if (fresh) {
    ch = hk_large_map(len, offset);
    if (!ch) return NULL;
    got = len;
  }
  void *p = hk_large_publish(ch, got, len, offset);
  if (p && zero && !fresh) { /* a reused mapping: its block is free until the core hands it out */
    hk_track_open(p, size);
    memset(p, 0, size);
    hk_track_close(p, size);
  }
  return p;
}

static void hk_large_free(hk_chunk_t *ch) {
  int saved = errno;
  size_t len = hk_large_rec(ch)->map_len;
  if (hk_large_forget_aligned(ch) || !hk_large_cache_put(ch, len)) hk_superslab_unmap_large(ch, len);
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

static void hk_large_init(void) {}
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

static int hk_large_probe(const char *name, int64_t arg, int64_t *out) {
  (void)arg;
  if (!strcmp(name, "cached")) {
    *out = __atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED);
    return 0;
  }
  if (!strcmp(name, "cached_bytes")) {
    *out = (int64_t)__atomic_load_n(&hk_large_cached_bytes, __ATOMIC_RELAXED);
    return 0;
  }
  return -1;
}
