/* hk_alloc.c — the malloc family on top of the slots.
 * malloc budget on a hit: one compare on the size, one table load, the front pop (one branch).
 * Everything else (size above 1 KiB, a miss, the thread's first call) is out of line.
 * Every block handed out goes to hk_track_malloc (the track slot: nothing under `none`) before
 * hk_block_on_alloc (the block slot) writes into it, so a memory checker sees those words as
 * defined, and to hk_sampler_alloc (the sampler slot: nothing under `none`) with its stride or
 * large size. The size the program asked for travels with the class down to hk_track_malloc
 * (unused, so free, under track/none), which tells a checker the block's exact bounds; realloc
 * in place tells it the new size. Freeing, classify and usable sizes are hk_free.c's. */

/* n as the track box is told it: raised to the box's floor (a constant: 0 but for valgrind). */
static inline size_t hk_track_req(size_t n) { return n < hk_track_floor() ? hk_track_floor() : n; }

static HK_NOINLINE void *hk_malloc_miss(uint32_t cls, size_t n) {
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
  hk_stats_time(HAKMEM_EV_REFILL, cls, t0);
  hk_stats_count(HAKMEM_EV_MALLOC_MISS, cls, 1);
  if (HK_UNLIKELY(!p)) {
    errno = ENOMEM;
    return NULL;
  }
  hk_track_malloc(p, hk_class_stride[cls] - hk_block_tail(), hk_track_req(n), 0);
  hk_block_on_alloc(p, cls);
  hk_sampler_alloc(p, hk_class_stride[cls] - hk_block_tail());
  return p;
}

/* FAST PATH. The front's pop and the hand-out of what it gives (NULL: a miss); n, the size
 * asked for, only for the track box. */
static inline void *hk_malloc_hit(uint32_t cls, size_t n) {
  uint64_t t0 = hk_stats_clock();
  void *p = hk_front_pop(cls);
  if (HK_LIKELY(p != NULL)) {
    hk_track_malloc(p, hk_class_stride[cls] - hk_block_tail(), hk_track_req(n), 0);
    hk_block_on_alloc(p, cls);
    hk_sampler_alloc(p, hk_class_stride[cls] - hk_block_tail());
    hk_stats_time(HAKMEM_EV_MALLOC_HIT, cls, t0);
  }
  return p;
}

static inline void *hk_malloc_class(uint32_t cls, size_t n) {
  void *p = hk_malloc_hit(cls, n);
  return HK_LIKELY(p != NULL) ? p : hk_malloc_miss(cls, n);
}

static HK_NOINLINE void *hk_malloc_large(size_t n, size_t alignment, int zero) {
  hk_init();
  if (n == 0) n = 1; /* an over-aligned malloc(0) still owns a byte inside its mapping */
  uint64_t t0 = hk_stats_clock();
  void *p = hk_large_alloc(n, alignment, zero);
  if (p) {
    hk_stats_time(HAKMEM_EV_LARGE_ALLOC, 0, t0);
    /* the usable size is the large slot's (a lookup: only when the track box uses sizes) */
    if (hk_track_sizes()) hk_track_malloc(p, hk_usable_size(p), hk_track_req(n), zero);
    hk_sampler_alloc(p, n);
  }
  return p;
}

/* n plus the block box's tail (a canary: 0 bytes in most boxes) is what a block must hold. */
static HK_NOINLINE void *hk_malloc_big(size_t n) {
  if (n <= HK_SLAB_MAX - hk_block_tail()) return hk_malloc_class(hk_class_of_big(n + hk_block_tail()), n);
  return hk_malloc_large(n, 16, 0);
}

/* The class of a size up to HK_LOOKUP_MAX less the tail: one table load. The table is a
 * constant choice: the tail's where the block box keeps one. */
static inline uint32_t hk_class_of_small(size_t n) {
  const uint8_t *lookup = hk_block_tail() ? hk_class_lookup_tail : hk_class_lookup;
  return lookup[(n + hk_block_tail() + 15) >> 4];
}

/* SLOW PATH. A small size whose class the front had nothing for. Takes the size, not the
 * class, so malloc's hit keeps n where it came and computes the class in a scratch register. */
static HK_NOINLINE void *hk_malloc_small_miss(size_t n) { return hk_malloc_miss(hk_class_of_small(n), n); }

/* FAST PATH (budget at the top). */
HK_INLINE void *hk_malloc(size_t n) {
  if (HK_LIKELY(n <= HK_LOOKUP_MAX - hk_block_tail())) {
    void *p = hk_malloc_hit(hk_class_of_small(n), n);
    return HK_LIKELY(p != NULL) ? p : hk_malloc_small_miss(n);
  }
  return hk_malloc_big(n);
}

static void *hk_calloc(size_t n, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(n, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  if (total > HK_SLAB_MAX - hk_block_tail()) return hk_malloc_large(total, 16, 1);
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
  if (alignment <= 64 && n <= HK_SLAB_MAX - hk_block_tail()) {
    size_t need = (n < alignment ? alignment : n) + hk_block_tail();
    for (uint32_t c = hk_class_of(need); c < HK_NUM_CLASSES; c++)
      if ((hk_class_stride[c] & (alignment - 1)) == 0) return hk_malloc_class(c, n);
  }
  if (alignment <= HK_PAGE && n <= HK_SLAB_MAX - alignment - hk_block_tail()) {
    /* blocks are 16-byte aligned, so q - b <= alignment - 16; at least one byte past q keeps
     * q inside b even for n == 0 (q must never be the next block's start) */
    size_t got = (n ? n : 1) + alignment - 16;
    uint8_t *b = (uint8_t *)hk_malloc(got);
    if (!b) return NULL;
    uintptr_t q = ((uintptr_t)b + alignment - 1) & ~(uintptr_t)(alignment - 1);
    /* b is live (the checker registered it whole), so the tag is written plainly */
    if (q != (uintptr_t)b) *(uintptr_t *)b = hk_block_interior_tag((void *)q);
    /* the checker's block ends n bytes past q, not at the end of what was asked for b */
    if (hk_track_sizes()) {
      size_t usable = hk_usable_size(b), req = (size_t)(q - (uintptr_t)b) + hk_track_req(n);
      hk_track_resize(b, usable, hk_track_req(got), req < usable ? req : usable);
    }
    return (void *)q;
  }
  return hk_malloc_large(n, alignment, 0);
}

/* SLOW PATH (a track box that uses sizes). realloc keeps p, inside the checker's block b (size
 * usable bytes; b == p but for an aligned block): the block now ends n bytes past p. */
static HK_NOINLINE void *hk_realloc_kept(void *p, uint8_t *b, size_t size, size_t n) {
  size_t req = (size_t)((uint8_t *)p - b) + hk_track_req(n);
  hk_track_resize(b, size, hk_track_requested(b, size), req < size ? req : size);
  return p;
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
  uint8_t *b = (uint8_t *)p; /* the block a checker knows, and its usable bytes */
  size_t bsize;
  switch (hk_classify(p, &ch, &s)) {
  case HK_KIND_SLAB:
    old = bsize = hk_slab_usable(s);
    if (n <= old && (n >= old / 2 || old <= 64)) return hk_track_sizes() ? hk_realloc_kept(p, b, bsize, n) : p;
    break;
  case HK_KIND_INTERIOR:
    old = hk_interior_usable(s, p);
    if (hk_track_sizes()) b = hk_interior_base(s, p), bsize = hk_slab_usable(s);
    if (n <= old && n >= old / 2) return hk_track_sizes() ? hk_realloc_kept(p, b, bsize, n) : p;
    break;
  case HK_KIND_LARGE:
    old = bsize = hk_large_usable(ch);
    if (n <= old && n > HK_SLAB_MAX && n >= old / 2) return hk_track_sizes() ? hk_realloc_kept(p, b, bsize, n) : p;
    break;
  default:
    hk_free_invalid_use(p, "realloc");
    errno = EINVAL;
    return NULL;
  }
  /* a checker holds the block's bytes past what was asked for as no access: copy only those */
  if (hk_track_sizes()) old = hk_track_requested(b, bsize) - (size_t)((uint8_t *)p - b);
  void *q = hk_malloc(n);
  if (!q) return NULL; /* p stays valid, errno is ENOMEM */
  memcpy(q, p, n < old ? n : old);
  hk_free(p);
  return q;
}
