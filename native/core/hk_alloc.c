/* hk_alloc.c — the malloc family on top of the slots.
 * malloc budget on a hit: one compare on the size, one table load, the front pop (one branch).
 * Everything else (size above 1 KiB, a miss, the thread's first call) is out of line.
 * Every block handed out goes to hk_track_malloc (the track slot: nothing under `none`) before
 * hk_freegate_on_alloc writes its word 1, so a memory checker sees that word as defined, and to
 * hk_sampler_alloc (the sampler slot: nothing under `none`) with its stride or large size. */

static size_t hk_usable_size(const void *p);

static HK_NOINLINE void *hk_malloc_miss(uint32_t cls) {
  hk_heap_t *h = hk_tls_heap;
  if (HK_UNLIKELY(!h)) {
    h = hk_thread_start();
    if (!h) {
      errno = ENOMEM;
      return NULL;
    }
  }
  uint64_t t0 = hk_stats_clock();
  hk_remote_flush(); /* blocks this thread holds for other heaps go first (no lock held) */
  hk_lock(&h->lock); /* uncontended but for a fork's prepare: see hk_layout.h */
  void *p = hk_refill(h, cls);
  hk_unlock(&h->lock);
  hk_purge_unlocked();
  hk_stats_time(HK_EV_REFILL, cls, t0);
  hk_stats_count(HK_EV_MALLOC_MISS, cls, 1);
  if (HK_UNLIKELY(!p)) {
    errno = ENOMEM;
    return NULL;
  }
  hk_track_malloc(p, hk_class_stride[cls], 0);
  hk_freegate_on_alloc(p);
  hk_sampler_alloc(p, hk_class_stride[cls]);
  return p;
}

static inline void *hk_malloc_class(uint32_t cls) {
  uint64_t t0 = hk_stats_clock();
  void *p = hk_front_pop(cls);
  if (HK_LIKELY(p != NULL)) {
    hk_track_malloc(p, hk_class_stride[cls], 0);
    hk_freegate_on_alloc(p);
    hk_sampler_alloc(p, hk_class_stride[cls]);
    hk_stats_time(HK_EV_MALLOC_HIT, cls, t0);
    return p;
  }
  return hk_malloc_miss(cls);
}

static HK_NOINLINE void *hk_malloc_large(size_t n, size_t alignment, int zero) {
  hk_init();
  if (n == 0) n = 1; /* an over-aligned malloc(0) still owns a byte inside its mapping */
  uint64_t t0 = hk_stats_clock();
  void *p = hk_large_alloc(n, alignment, zero);
  if (p) {
    hk_stats_time(HK_EV_LARGE_ALLOC, 0, t0);
    /* the usable size is the large slot's (a lookup: only when the track box uses sizes) */
    if (hk_track_sizes()) hk_track_malloc(p, hk_usable_size(p), zero);
    hk_sampler_alloc(p, n);
  }
  return p;
}

static HK_NOINLINE void *hk_malloc_big(size_t n) {
  if (n <= HK_SLAB_MAX) return hk_malloc_class(hk_class_of_big(n));
  return hk_malloc_large(n, 16, 0);
}

HK_INLINE void *hk_malloc(size_t n) {
  if (HK_LIKELY(n <= HK_LOOKUP_MAX)) return hk_malloc_class(hk_class_lookup[(n + 15) >> 4]);
  return hk_malloc_big(n);
}

HK_INLINE void hk_free(void *p) { hk_freegate_free(p); }

static void *hk_calloc(size_t n, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(n, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  if (total > HK_SLAB_MAX) return hk_malloc_large(total, 16, 1);
  void *p = hk_malloc(total);
  if (p) memset(p, 0, total);
  return p;
}

/* alignment is a power of two. Slab blocks of a class whose stride is a multiple of the
 * alignment are aligned up to 64 (slabs start on 4 KiB boundaries). Above 64 the block is cut
 * from a bigger one: the caller gets the first aligned address in it, and the block's first
 * word carries that address's tag so free, realloc and malloc_usable_size find the block.
 * Beyond a page (or the slab classes), a large block, aligned by its mapping. */
static void *hk_alloc_aligned(size_t alignment, size_t n) {
  if (alignment <= 16) return hk_malloc(n);
  if (alignment <= 64 && n <= HK_SLAB_MAX) {
    for (uint32_t c = hk_class_of(n < alignment ? alignment : n); c < HK_NUM_CLASSES; c++)
      if ((hk_class_stride[c] & (alignment - 1)) == 0) return hk_malloc_class(c);
  }
  if (alignment <= HK_PAGE && n <= HK_SLAB_MAX - alignment) {
    /* blocks are 16-byte aligned, so q - b <= alignment - 16; at least one byte past q keeps
     * q inside b even for n == 0 (q must never be the next block's start) */
    uint8_t *b = (uint8_t *)hk_malloc((n ? n : 1) + alignment - 16);
    if (!b) return NULL;
    uintptr_t q = ((uintptr_t)b + alignment - 1) & ~(uintptr_t)(alignment - 1);
    /* b is live (the checker registered it whole), so the tag is written plainly */
    if (q != (uintptr_t)b) *(uintptr_t *)b = hk_freegate_interior_tag((void *)q);
    return (void *)q;
  }
  return hk_malloc_large(n, alignment, 0);
}

/* Usable bytes from p to the end of its block (p inside a slab block when it was aligned). */
static size_t hk_interior_usable(const hk_slab_t *s, const void *p) {
  return s->block_size - (size_t)((const uint8_t *)p - hk_freegate_interior_base(s, p));
}

/* Usable bytes of a live block, 0 for anything else. */
static size_t hk_usable_size(const void *p) {
  hk_chunk_t *ch;
  hk_slab_t *s;
  switch (hk_freegate_classify(p, &ch, &s)) {
  case HK_KIND_SLAB: return s->block_size;
  case HK_KIND_INTERIOR: return hk_interior_usable(s, p);
  case HK_KIND_LARGE: return hk_large_usable(ch);
  default: return 0;
  }
}

static void *hk_realloc(void *p, size_t n) {
  if (!p) return hk_malloc(n);
  if (n == 0) {
    hk_free(p);
    return NULL;
  } /* glibc's choice */
  hk_chunk_t *ch;
  hk_slab_t *s;
  size_t old;
  switch (hk_freegate_classify(p, &ch, &s)) {
  case HK_KIND_SLAB:
    old = s->block_size;
    if (n <= old && (n >= old / 2 || old <= 64)) return p;
    break;
  case HK_KIND_INTERIOR:
    old = hk_interior_usable(s, p);
    if (n <= old && n >= old / 2) return p;
    break;
  case HK_KIND_LARGE:
    old = hk_large_usable(ch);
    if (n <= old && n > HK_SLAB_MAX && n >= old / 2) return p;
    break;
  default:
    hk_freegate_invalid_realloc(p);
    errno = EINVAL;
    return NULL;
  }
  void *q = hk_malloc(n);
  if (!q) return NULL; /* p stays valid, errno is ENOMEM */
  memcpy(q, p, n < old ? n : old);
  hk_free(p);
  return q;
}
