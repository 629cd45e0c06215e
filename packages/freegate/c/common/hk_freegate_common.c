/* freegate/common (base `routing`, contract in hk_freegate_routing.h) — the routing every free gate shares; a box adds its links, its free mark
 * and its policy (onForeign). free(p) is three tests to reach the owner's cache: is p's chunk
 * registered, does the calling thread own p's slab, does p start a block that is not already
 * free. A block of another thread's heap takes the same checks and the free mark, then goes to
 * the remote slot, which decides how it travels to its owner. NULL, foreign addresses,
 * interior pointers and double frees go to the cold path, and nothing is written for them. */

#include "hk_freegate_routing.h"

static uint64_t hk_freegate_invalid_count;

static HK_COLD void hk_freegate_invalid(const void *p, const char *what) {
  uint64_t n = __atomic_fetch_add(&hk_freegate_invalid_count, 1, __ATOMIC_RELAXED);
  if (HK_CFG_FREEGATE_ON_FOREIGN == HK_CFG_FREEGATE_ON_FOREIGN_ABORT) hk_os_fatal(what, p);
  if (n == 0) {
    hk_os_warn(what, p);
    hk_os_warn("(further invalid frees are ignored silently; the heap is intact)", NULL);
  }
}

/* Derived from the gate's free mark, so the checked gate's tag carries its secret key: a block
 * cannot be made to look like an aligned block's container without knowing it. */
static inline uintptr_t hk_freegate_interior_tag(const void *q) { return hk_freegate_mark(q) ^ 0x21676e696c61686bull; }

/* The block q lies in is found by division (cold: only aligned blocks come here); its first
 * word must carry q's tag, which its free overwrites, so a second free of q fails here. */
static HK_COLD uint8_t *hk_freegate_interior_base(const hk_slab_t *s, const void *q) {
  uint32_t off = (uint32_t)((uintptr_t)q - (uintptr_t)hk_chunk_of_slab(s)), x = off - s->start;
  if (x >= s->end - s->start) return NULL;
  uint32_t inside = x % s->block_size;
  if (inside == 0) return NULL;
  uint8_t *b = hk_slab_addr(s, off - inside);
  return *(const uintptr_t *)b == hk_freegate_interior_tag(q) ? b : NULL;
}

/* A slab block that failed the fast checks: an aligned pointer inside a live block (freed
 * through its block), or an invalid free: say which problem it is. */
static HK_COLD void hk_freegate_bad_block(const hk_slab_t *s, const void *p, uint32_t off) {
  uint8_t *b = hk_freegate_interior_base(s, p);
  if (b) {
    hk_freegate_free(b);
    return;
  }
  if (!hk_slab_block_start(s, off)) hk_freegate_invalid(p, "free of a pointer inside a block (not a block start):");
  else hk_freegate_invalid(p, "double free of");
}

static HK_COLD void hk_freegate_invalid_realloc(const void *p) {
  uintptr_t a = (uintptr_t)p;
  const char *what = "realloc of a pointer hakmem did not allocate:";
  if (hk_registry_contains(a)) {
    hk_chunk_t *ch = hk_chunk_of(a);
    const hk_slab_t *s = hk_slab_of(ch, a);
    if (ch->kind == HK_CHUNK_LARGE)
      what = hk_slab_owner(s) == HK_OWNER_LARGE ? "realloc of a pointer inside a large block:"
                                                : "realloc of a freed large block:";
    else if (hk_slab_owner(s) == HK_OWNER_POOL) what = "realloc of a freed block:";
    else if (!hk_slab_block_start(s, (uint32_t)(a - (uintptr_t)ch))) what = "realloc of a pointer inside a block:";
    else what = "realloc of a freed block:";
  }
  hk_freegate_invalid(p, what);
}

/* Is p a live block of slab s? (start of a block, no free mark) */
static inline int hk_freegate_live(const hk_slab_t *s, const void *p, uint32_t off) {
  return hk_slab_block_start(s, off) && ((const uintptr_t *)p)[1] != hk_freegate_mark(p);
}

/* p, a live block of size usable bytes, is freed (checked): a checker sees it go, then the
 * mark goes into word 1, opened for the checker around the write. */
static inline void hk_freegate_retire(void *p, size_t size) {
  uintptr_t *w = (uintptr_t *)p + 1;
  hk_track_free(p, size);
  hk_sampler_free(p);
  hk_track_open(w, sizeof *w);
  *w = hk_freegate_mark(p);
  hk_track_close(w, sizeof *w);
}

static int hk_freegate_classify(const void *p, hk_chunk_t **chp, hk_slab_t **sp) {
  uintptr_t a = (uintptr_t)p;
  if (!hk_registry_contains(a)) {
    hk_chunk_t *ch = hk_large_find_aligned(p, 0);
    *chp = ch;
    return ch ? HK_KIND_LARGE : HK_KIND_FOREIGN;
  }
  hk_chunk_t *ch = hk_chunk_of(a);
  *chp = ch;
  if (ch->kind == HK_CHUNK_LARGE)
    return hk_slab_owner(&ch->slabs[0]) == HK_OWNER_LARGE && p == hk_large_block(ch) ? HK_KIND_LARGE : HK_KIND_FOREIGN;
  hk_slab_t *s = hk_slab_of(ch, a);
  if (hk_slab_owner(s) == HK_OWNER_POOL) return HK_KIND_FOREIGN;
  *sp = s;
  if (hk_freegate_live(s, p, (uint32_t)(a - (uintptr_t)ch))) return HK_KIND_SLAB;
  return hk_freegate_interior_base(s, p) ? HK_KIND_INTERIOR : HK_KIND_FOREIGN;
}

/* Not the caller's block: another heap's, a large block, or not a live block at all. */
static HK_NOINLINE void hk_freegate_other(hk_chunk_t *ch, hk_slab_t *s, void *p) {
  hk_heap_t *o = hk_slab_owner(s);
  if (o == HK_OWNER_LARGE) {
    if (p == hk_large_block(ch)) {
      uint64_t t0 = hk_stats_clock();
      hk_track_free(p, hk_large_usable(ch));
      hk_sampler_free(p);
      hk_large_free(ch);
      hk_stats_time(HK_EV_LARGE_FREE, 0, t0);
    } else {
      hk_freegate_invalid(p, "free of a pointer inside a large block:");
    }
    return;
  }
  if (o == HK_OWNER_POOL) {
    hk_freegate_invalid(p, "free of a pointer that is not an allocated block (double free?):");
    return;
  }
  uint32_t off = (uint32_t)((uintptr_t)p - (uintptr_t)ch);
  if (!hk_freegate_live(s, p, off)) {
    hk_freegate_bad_block(s, p, off);
    return;
  }
  uint64_t t0 = hk_stats_clock();
  /* read before the push: once p is on the queue the owner may drain it, empty the slab and
   * hand it to another class, so s is not ours to read after the hand-over */
  uint32_t cls = s->cls;
  hk_freegate_retire(p, s->block_size);
  hk_remote_free(o, p, cls); /* the remote slot hands it over */
  hk_stats_time(HK_EV_FREE_REMOTE, cls, t0);
}

static HK_NOINLINE void hk_freegate_unregistered(void *p) {
  if (!p) return;
  hk_chunk_t *ch = hk_large_find_aligned(p, 0);
  if (ch) {
    hk_track_free(p, hk_large_usable(ch));
    hk_sampler_free(p);
    hk_large_free(ch);
    return;
  }
  hk_freegate_invalid(p, "free of a pointer hakmem did not allocate:");
}

static inline void hk_freegate_free(void *p) {
  uintptr_t a = (uintptr_t)p;
  if (HK_UNLIKELY(!hk_registry_contains(a))) {
    hk_freegate_unregistered(p);
    return;
  }
  hk_chunk_t *ch = hk_chunk_of(a);
  hk_slab_t *s = hk_slab_of(ch, a);
  hk_heap_t *h = hk_tls_heap;
  if (HK_LIKELY(__atomic_load_n(&s->owner, __ATOMIC_RELAXED) == h)) { /* only h publishes h */
    uint64_t t0 = hk_stats_clock();
    uint32_t off = (uint32_t)(a - (uintptr_t)ch);
    if (HK_UNLIKELY(!hk_freegate_live(s, p, off))) {
      hk_freegate_bad_block(s, p, off);
      return;
    }
    hk_freegate_retire(p, s->block_size);
    uint32_t cls = s->cls;
    if (HK_UNLIKELY(hk_front_push(cls, p))) hk_heap_drain(h, cls);
    hk_stats_time(HK_EV_FREE_LOCAL, cls, t0);
    return;
  }
  hk_freegate_other(ch, s, p);
}

static int hk_freegate_probe(const char *name, int64_t arg, int64_t *out) {
  if (!strcmp(name, "classify")) {
    hk_chunk_t *ch;
    hk_slab_t *s;
    *out = hk_freegate_classify((const void *)(uintptr_t)arg, &ch, &s);
    return 0;
  }
  if (!strcmp(name, "foreign_frees")) {
    *out = (int64_t)__atomic_load_n(&hk_freegate_invalid_count, __ATOMIC_RELAXED);
    return 0;
  }
  return -1;
}
