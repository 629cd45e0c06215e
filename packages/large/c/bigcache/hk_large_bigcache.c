/* large/bigcache — every block above the slab range is its own registered mapping (2 MiB
 * aligned, so free finds its header by the same mask as a slab block). Freed mappings rest in
 * a small cache (cacheEntries, cacheBytes) and are reused for any request they fit within 2x,
 * which skips both the mmap and the page faults. Blocks aligned to 2 MiB or more cannot keep
 * their header in their own chunk; a short side table finds them. */

#define HK_LARGE_SLOTS (HK_CFG_LARGE_CACHE_ENTRIES > 0 ? HK_CFG_LARGE_CACHE_ENTRIES : 1)
#define HK_LARGE_ALIGNED_MAX 64

typedef struct { hk_chunk_t *ch; size_t len; } hk_large_entry_t;

static hk_lock_t hk_large_lock = HK_LOCK_INIT;
static hk_large_entry_t hk_large_cache[HK_LARGE_SLOTS];
static uint32_t hk_large_cached;
static size_t hk_large_cached_bytes;

static hk_lock_t hk_large_aligned_lock = HK_LOCK_INIT;
static struct { const void *p; hk_chunk_t *ch; } hk_large_aligned[HK_LARGE_ALIGNED_MAX];
static _Atomic uint32_t hk_large_aligned_count;

/* The smallest cached mapping of at least len bytes and at most 2 len; NULL if none. */
static hk_chunk_t *hk_large_cache_take(size_t len, size_t *got) {
  if (HK_CFG_LARGE_CACHE_ENTRIES == 0 || !__atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED)) return NULL;
  hk_chunk_t *ch = NULL;
  hk_lock(&hk_large_lock);
  uint32_t best = UINT32_MAX;
  for (uint32_t i = 0; i < hk_large_cached; i++) {
    size_t l = hk_large_cache[i].len;
    if (l >= len && l / 2 <= len && (best == UINT32_MAX || l < hk_large_cache[best].len)) best = i;
  }
  if (best != UINT32_MAX) {
    ch = hk_large_cache[best].ch;
    *got = hk_large_cache[best].len;
    hk_large_cached_bytes -= *got;
    hk_large_cache[best] = hk_large_cache[--hk_large_cached];
  }
  hk_unlock(&hk_large_lock);
  return ch;
}

/* Keep a freed mapping; evict the oldest to stay within the limits. Unmapping happens
 * outside the lock. Returns 0 when the mapping is too big to keep. */
static int hk_large_cache_put(hk_chunk_t *ch, size_t len) {
  if (HK_CFG_LARGE_CACHE_ENTRIES == 0 || len > (size_t)HK_CFG_LARGE_CACHE_BYTES) return 0;
  hk_large_entry_t evicted[4];
  uint32_t ne = 0;
  hk_lock(&hk_large_lock);
  while ((hk_large_cached >= HK_LARGE_SLOTS || hk_large_cached_bytes + len > (size_t)HK_CFG_LARGE_CACHE_BYTES)
         && hk_large_cached && ne < 4) {
    evicted[ne++] = hk_large_cache[0];
    hk_large_cached_bytes -= hk_large_cache[0].len;
    hk_large_cache[0] = hk_large_cache[--hk_large_cached];
  }
  int kept = hk_large_cached < HK_LARGE_SLOTS && hk_large_cached_bytes + len <= (size_t)HK_CFG_LARGE_CACHE_BYTES;
  if (kept) {
    ch->slabs[0].owner = HK_OWNER_POOL;     /* a second free of it is now an invalid free */
    hk_large_cache[hk_large_cached++] = (hk_large_entry_t){ ch, len };
    hk_large_cached_bytes += len;
  }
  hk_unlock(&hk_large_lock);
  for (uint32_t i = 0; i < ne; i++) hk_superslab_unmap_large(evicted[i].ch, evicted[i].len);
  return kept;
}

static int hk_large_aligned_add(const void *p, hk_chunk_t *ch) {
  int ok = 0;
  hk_lock(&hk_large_aligned_lock);
  for (uint32_t i = 0; i < HK_LARGE_ALIGNED_MAX; i++)
    if (!hk_large_aligned[i].p) {
      hk_large_aligned[i].p = p; hk_large_aligned[i].ch = ch; ok = 1;
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

static void *hk_large_alloc(size_t size, size_t align, int zero) {
  size_t offset = align > HK_PAGE ? align : HK_PAGE;
  if (size > (size_t)PTRDIFF_MAX - offset - HK_CHUNK_SIZE) { errno = ENOMEM; return NULL; }
  size_t len = HK_ALIGN_UP(offset + size, HK_PAGE), got = 0;
  hk_chunk_t *ch = offset < HK_CHUNK_SIZE ? hk_large_cache_take(len, &got) : NULL;
  int fresh = ch == NULL;
  if (fresh) {
    ch = hk_superslab_map_large(len, offset >= HK_CHUNK_SIZE ? offset : HK_CHUNK_SIZE);
    if (!ch) { errno = ENOMEM; return NULL; }
    got = len;
  }
  ch->shift = HK_CHUNK_SHIFT;
  ch->kind = HK_CHUNK_LARGE;
  ch->map_len = got;
  ch->large_offset = offset;
  ch->large_size = got - offset;
  uint8_t *p = (uint8_t *)ch + offset;
  if (offset >= HK_CHUNK_SIZE && !hk_large_aligned_add(p, ch)) {
    hk_superslab_unmap_large(ch, got);
    errno = ENOMEM;
    return NULL;
  }
  __atomic_store_n(&ch->slabs[0].owner, HK_OWNER_LARGE, __ATOMIC_RELEASE);
  if (zero && !fresh) memset(p, 0, size);
  return p;
}

static void hk_large_free(hk_chunk_t *ch) {
  int saved = errno;
  size_t len = ch->map_len;
  if (ch->large_offset >= HK_CHUNK_SIZE) hk_large_find_aligned((uint8_t *)ch + ch->large_offset, 1);
  else if (hk_large_cache_put(ch, len)) { errno = saved; return; }
  hk_superslab_unmap_large(ch, len);
  errno = saved;
}

static size_t hk_large_usable(const hk_chunk_t *ch) { return ch->large_size; }

static void hk_large_init(void) {}
static void hk_large_lock_all(void) { hk_lock(&hk_large_lock); hk_lock(&hk_large_aligned_lock); }
static void hk_large_unlock_all(void) { hk_unlock(&hk_large_aligned_lock); hk_unlock(&hk_large_lock); }
static void hk_large_reset_locks(void) { hk_lock_reset(&hk_large_lock); hk_lock_reset(&hk_large_aligned_lock); }

static int hk_large_probe(const char *name, int64_t arg, int64_t *out) {
  (void)arg;
  if (!strcmp(name, "cached")) { *out = __atomic_load_n(&hk_large_cached, __ATOMIC_RELAXED); return 0; }
  if (!strcmp(name, "cached_bytes")) { *out = (int64_t)__atomic_load_n(&hk_large_cached_bytes, __ATOMIC_RELAXED); return 0; }
  return -1;
}
