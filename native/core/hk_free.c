/* hk_free.c — free(p) and every question of what p is: the routing of a free (local, remote,
 * large, invalid), classify, usable size and the invalid-free policy, the way hk_alloc.c owns
 * malloc. The block slot (hk_block.h) answers only whether a block is live and records it free.
 *
 * FAST PATH, the local free: the registry test (a mask, a load, a bit), the slab's owner
 * compare, the block box's live test and retire, the front push (one branch on its limit).
 * Another heap's block takes the same tests and goes to the remote slot; a large block to the
 * large slot; anything else (NULL, foreign, interior, freed) to the cold path, and nothing is
 * written for it. hk_track_free and hk_sampler_free see every valid free before the block box
 * records it free (the track and sampler slots: nothing under `none`). */

/* What p is (hk_classify). HK_KIND_INTERIOR: an aligned pointer handed out inside a slab
 * block (alignments above 64). */
enum hk_kind { HK_KIND_FOREIGN = 0, HK_KIND_SLAB = 1, HK_KIND_LARGE = 2, HK_KIND_INTERIOR = 3 };

static uint64_t hk_invalid_frees; /* reported invalid frees (probe core/invalid_frees) */

/* SLOW PATH. The policy for a pointer that is not a live block of ours: the block box's
 * onInvalid, report the first (the heap is intact: nothing was written) or abort. */
static HK_COLD void hk_free_invalid(const void *p, const char *what) {
  uint64_t n = __atomic_fetch_add(&hk_invalid_frees, 1, __ATOMIC_RELAXED);
  if (HK_CFG_BLOCK_ON_INVALID == HK_CFG_BLOCK_ON_INVALID_ABORT) hk_os_fatal(what, p);
  if (n == 0) {
    hk_os_warn(what, p);
    hk_os_warn("(further invalid frees are ignored silently; the heap is intact)", NULL);
  }
}

/* The live block of s that q was handed out inside (by its tag), or NULL. Found by division
 * (cold: only aligned blocks come here); the block must be live and its first word must carry
 * q's tag, which its free overwrites, so a second free of q fails here. */
static HK_COLD uint8_t *hk_interior_base(const hk_slab_t *s, const void *q) {
  uint32_t off = (uint32_t)((uintptr_t)q - (uintptr_t)hk_chunk_of_slab(s)), x = off - s->start;
  if (x >= s->span) return NULL;
  uint32_t inside = x % s->block_size;
  if (inside == 0) return NULL;
  uint8_t *b = hk_slab_addr(s, off - inside);
  if (!hk_block_live(s, b, off - inside)) return NULL;
  return *(const uintptr_t *)b == hk_block_interior_tag(q) ? b : NULL;
}

static void hk_free_again(void *p); /* hk_free, out of line: the interior path's second step */

/* A slab pointer that failed the live test: an aligned pointer inside a live block (freed
 * through its block), or an invalid free: say which problem it is. */
static HK_COLD HK_NOINLINE void hk_free_bad_block(const hk_slab_t *s, const void *p) {
  uint32_t off = (uint32_t)((uintptr_t)p - (uintptr_t)hk_chunk_of_slab(s));
  uint8_t *b = hk_interior_base(s, p);
  if (b) {
    hk_free_again(b);
    return;
  }
  if (!hk_slab_block_start(s, off)) hk_free_invalid(p, "free of a pointer inside a block (not a block start):");
  else hk_free_invalid(p, "double free of");
}

/* What p is; sets *chp (and *sp for slab blocks). Never reads unregistered memory. */
static int hk_classify(const void *p, hk_chunk_t **chp, hk_slab_t **sp) {
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
  if (hk_block_live(s, p, (uint32_t)(a - (uintptr_t)ch))) return HK_KIND_SLAB;
  return hk_interior_base(s, p) ? HK_KIND_INTERIOR : HK_KIND_FOREIGN;
}

/* What the program may use of a slab block: its stride, less the block box's tail. */
static inline size_t hk_slab_usable(const hk_slab_t *s) { return s->block_size - hk_block_tail(); }

/* Usable bytes from p to the end of its block (p inside a slab block when it was aligned). */
static size_t hk_interior_usable(const hk_slab_t *s, const void *p) {
  return hk_slab_usable(s) - (size_t)((const uint8_t *)p - hk_interior_base(s, p));
}

/* SLOW PATH. A large block leaves. */
static void hk_free_large(hk_chunk_t *ch, void *p) {
  uint64_t t0 = hk_stats_clock();
  hk_track_free(p, hk_large_usable(ch));
  hk_sampler_free(p);
  hk_large_free(ch);
  hk_stats_time(HAKMEM_EV_LARGE_FREE, 0, t0);
  hk_purge_unlocked();
}

/* SLOW PATH. Not the caller's block: another heap's, a large block, or not a live block. */
static HK_NOINLINE void hk_free_other(hk_chunk_t *ch, hk_slab_t *s, void *p) {
  hk_heap_t *o = hk_slab_owner(s);
  if (o == HK_OWNER_LARGE) {
    if (p == hk_large_block(ch)) hk_free_large(ch, p);
    else hk_free_invalid(p, "free of a pointer inside a large block:");
    return;
  }
  if (o == HK_OWNER_POOL) {
    hk_free_invalid(p, "free of a pointer that is not an allocated block (double free?):");
    return;
  }
  uint32_t off = (uint32_t)((uintptr_t)p - (uintptr_t)ch);
  if (!hk_block_live(s, p, off)) {
    hk_free_bad_block(s, p);
    return;
  }
  uint64_t t0 = hk_stats_clock();
  /* read before the hand-over: once p is on the queue the owner may drain it, empty the slab
   * and hand it to another class, so s is not ours to read after it */
  uint32_t cls = s->cls;
  hk_track_free(p, hk_slab_usable(s));
  hk_sampler_free(p);
  if (!hk_block_retire_remote(s, p)) {
    hk_free_invalid(p, "double free (by two threads at once) of");
    return;
  }
  hk_remote_free(o, p, cls); /* the remote slot hands it over */
  hk_stats_time(HAKMEM_EV_FREE_REMOTE, cls, t0);
  /* an exited thread's heap runs no slow path that would let its blocks come to rest */
  if (__atomic_load_n(&o->state, __ATOMIC_RELAXED) == HK_HEAP_ORPHAN) hk_purge_orphan_freed(hk_class_size[cls]);
}

/* SLOW PATH. Outside every chunk: a block aligned to 2 MiB or more, NULL, or foreign. */
static HK_NOINLINE void hk_free_unregistered(void *p) {
  if (!p) return;
  hk_chunk_t *ch = hk_large_find_aligned(p, 0);
  if (ch) {
    hk_track_free(p, hk_large_usable(ch));
    hk_sampler_free(p);
    hk_large_free(ch);
    hk_purge_unlocked();
    return;
  }
  hk_free_invalid(p, "free of a pointer hakmem did not allocate:");
}

/* SLOW PATH. The front is full after the local free of p: drain p's class. Takes only p, so
 * the fast path keeps neither the heap nor the class live across its push. */
static HK_NOINLINE void hk_free_drain(const void *p) {
  hk_heap_drain(hk_tls_heap, hk_slab_of(hk_chunk_of((uintptr_t)p), (uintptr_t)p)->cls);
  hk_purge_unlocked(); /* no lock held: a purge box may start its thread here */
}

/* FAST PATH (see the top). */
HK_INLINE void hk_free(void *p) {
  uintptr_t a = (uintptr_t)p;
  if (HK_UNLIKELY(!hk_registry_contains(a))) {
    hk_free_unregistered(p);
    return;
  }
  hk_chunk_t *ch = hk_chunk_of(a);
  hk_slab_t *s = hk_slab_of(ch, a);
  hk_heap_t *h = hk_tls_heap;
  if (HK_LIKELY(__atomic_load_n(&s->owner, __ATOMIC_RELAXED) == h)) { /* only h publishes h */
    uint64_t t0 = hk_stats_clock();
    uint32_t off = (uint32_t)(a - (uintptr_t)ch);
    if (HK_UNLIKELY(!hk_block_live(s, p, off))) {
      hk_free_bad_block(s, p);
      return;
    }
    uint32_t cls = s->cls; /* before the block box writes into p: no reload after its stores */
    hk_track_free(p, hk_slab_usable(s));
    hk_sampler_free(p);
    hk_block_retire(s, p);
    if (hk_quarantine_on()) hk_quarantine_put(p, s->block_size); /* it releases what it lets go */
    else if (HK_UNLIKELY(hk_front_push(cls, p))) hk_free_drain(p);
    hk_stats_time(HAKMEM_EV_FREE_LOCAL, cls, t0);
    return;
  }
  hk_free_other(ch, s, p);
}

static HK_NOINLINE void hk_free_again(void *p) { hk_free(p); }

/* A block the calling thread freed leaves its quarantine: the block box checks nothing was
 * written into it meanwhile, then it goes onto the front like any local free. */
static void hk_free_release(void *p) {
  hk_chunk_t *ch = hk_chunk_of((uintptr_t)p);
  hk_slab_t *s = hk_slab_of(ch, (uintptr_t)p);
  uint32_t cls = s->cls;
  hk_block_leaves_quarantine(s, p);
  if (HK_UNLIKELY(hk_front_push(cls, p))) hk_heap_drain(hk_tls_heap, cls);
}

/* Usable bytes of a live block, 0 for anything else. */
static size_t hk_usable_size(const void *p) {
  hk_chunk_t *ch;
  hk_slab_t *s;
  switch (hk_classify(p, &ch, &s)) {
  case HK_KIND_SLAB: return hk_slab_usable(s);
  case HK_KIND_INTERIOR: return hk_interior_usable(s, p);
  case HK_KIND_LARGE: return hk_large_usable(ch);
  default: return 0;
  }
}

/* SLOW PATH. A use other than free (realloc, malloc_usable_size: `op`) of something that is not
 * a live block: say what it is, then the policy. */
static HK_COLD void hk_free_invalid_use(const void *p, const char *op) {
  uintptr_t a = (uintptr_t)p;
  const char *what = "of a pointer hakmem did not allocate:";
  if (hk_registry_contains(a)) {
    hk_chunk_t *ch = hk_chunk_of(a);
    const hk_slab_t *s = hk_slab_of(ch, a);
    if (ch->kind == HK_CHUNK_LARGE)
      what = hk_slab_owner(s) == HK_OWNER_LARGE ? "of a pointer inside a large block:" : "of a freed large block:";
    else if (hk_slab_owner(s) == HK_OWNER_POOL) what = "of a freed block:";
    else if (!hk_slab_block_start(s, (uint32_t)(a - (uintptr_t)ch))) what = "of a pointer inside a block:";
    else what = "of a freed block:";
  }
  char msg[128];
  hk_out_t o;
  hk_out_mem(&o, msg, sizeof msg);
  hk_out_printf(&o, "%s %s", op, what);
  hk_out_end(&o);
  hk_free_invalid(p, msg);
}

/* Bytes from p to the end of what the program asked for, as the track box holds it (its
 * checker sees the rest as no access); usable is what hk_usable_size said (not 0). */
static HK_NOINLINE size_t hk_requested_size(const void *p, size_t usable) {
  hk_chunk_t *ch;
  hk_slab_t *s;
  if (hk_classify(p, &ch, &s) != HK_KIND_INTERIOR) return hk_track_requested(p, usable);
  const uint8_t *b = hk_interior_base(s, p);
  return hk_track_requested(b, hk_slab_usable(s)) - (size_t)((const uint8_t *)p - b);
}

/* malloc_usable_size: a strict block box sends what is not a live block to the policy. Under a
 * track box that uses sizes, the size asked for (as ASan's own malloc answers): a program that
 * fills what it is told it has never writes into the slack its checker holds as no access. */
static size_t hk_usable_size_checked(const void *p) {
  size_t n = hk_usable_size(p);
  if (hk_block_strict() && HK_UNLIKELY(n == 0)) hk_free_invalid_use(p, "malloc_usable_size");
  if (hk_track_sizes() && n) n = hk_requested_size(p, n);
  return n;
}

/* free_sized and the sized operator delete: a strict block box checks that the block holds n
 * bytes (a bigger n is a type confusion: the caller thinks it frees something else). */
HK_INLINE void hk_free_sized(void *p, size_t n) {
  if (hk_block_strict() && p && HK_UNLIKELY(n > hk_usable_size(p))) {
    if (hk_usable_size(p) == 0) hk_free(p); /* not live: free says what it is */
    else hk_free_invalid(p, "sized free with a size larger than the block:");
    return;
  }
  hk_free(p);
}
