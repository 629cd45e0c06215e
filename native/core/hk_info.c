/* hk_info.c — the glibc introspection calls, answered with hakmem's figures: mallinfo2,
 * mallinfo and malloc_stats. Each reads state the allocator keeps anyway, at read time: the OS
 * counters, the refill slot's per-class counts of blocks out of each heap's slabs, the large
 * slot's live figures, and the idle bytes of the pool and the large cache (their probes). They
 * take only hk_heaps_lock (never taken on a hot path) and allocate nothing.
 *
 * What the figures mean (README, "Introspection"):
 *   arena     bytes mapped now: chunks, large mappings, heaps
 *   uordblks  bytes in use by the program: slab blocks counted by their stride (the usable
 *             size), large blocks by their usable size
 *   fordblks  arena - uordblks: mapped but not in use (free blocks, caches, idle memory, headers)
 *   hblks     live large blocks;  hblkhd  the bytes of their mappings
 *   keepcost  what malloc_trim would give back now: resident slabs and chunks resting in the
 *             pool, and the large cache
 *   ordblks, smblks, usmblks, fsmblks  0 (glibc's arena bins and fastbins have no counterpart)
 * Error bound of uordblks: a slab block counts as in use from when it leaves its slab until it
 * is back, less what the calling thread's own front cache holds (exact). So it overstates by
 * the blocks that other threads' front caches hold (at most their capacities) and the blocks
 * on their way back to an owning heap (a remote box's batches and the heaps' channels); in a
 * program with one thread it is exact. */

/* The layout of glibc's struct mallinfo2 and struct mallinfo (<malloc.h>), under names of our
 * own so that the unit needs no <malloc.h>. */
typedef struct {
  size_t arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
} hk_mallinfo2_t;
typedef struct {
  int arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
} hk_mallinfo_t;

typedef struct {
  int64_t mapped;      /* bytes mapped now */
  int64_t slab_in_use; /* slab blocks with the program, by stride */
  int64_t large_count, large_mapped, large_usable;
  int64_t idle_resident; /* what malloc_trim would give back */
  int64_t heaps, orphans;
} hk_usage_t;

static void hk_usage(hk_usage_t *u) {
  memset(u, 0, sizeof *u);
  hk_init();
  u->mapped = __atomic_load_n(&hk_os_counters.bytes_mapped, __ATOMIC_RELAXED);
  int64_t out = 0;
  hk_lock(&hk_heaps_lock);
  for (const hk_heap_t *h = hk_heaps_all; h; h = h->next_all) {
    u->heaps++;
    if (h->state == HK_HEAP_ORPHAN) u->orphans++;
    for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) out += hk_refill_out(h, c) * (int64_t)hk_class_stride[c];
  }
  hk_unlock(&hk_heaps_lock);
  if (hk_tls_heap) /* the calling thread's own cache is not in use */
    for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) out -= (int64_t)hk_front_count(c) * hk_class_stride[c];
  u->slab_in_use = out > 0 ? out : 0;
  hk_large_live(&u->large_count, &u->large_mapped, &u->large_usable);
  int64_t v;
  if (hk_sharedpool_probe("resident_slabs", 0, &v) == 0 && v > 0) u->idle_resident += v * (int64_t)HK_SLAB_SIZE;
  if (hk_large_probe("cached_bytes", 0, &v) == 0 && v > 0) u->idle_resident += v;
}

static hk_mallinfo2_t hk_mallinfo2(void) {
  hk_usage_t u;
  hk_usage(&u);
  hk_mallinfo2_t m;
  memset(&m, 0, sizeof m);
  int64_t in_use = u.slab_in_use + u.large_usable;
  m.arena = (size_t)u.mapped;
  m.hblks = (size_t)u.large_count;
  m.hblkhd = (size_t)u.large_mapped;
  m.uordblks = (size_t)in_use;
  m.fordblks = u.mapped > in_use ? (size_t)(u.mapped - in_use) : 0;
  m.keepcost = (size_t)u.idle_resident;
  return m;
}

HK_PUBLIC hk_mallinfo2_t HK_NAME(mallinfo2)(void) { return hk_mallinfo2(); }

/* The int fields of the old call saturate at INT_MAX (glibc's wrap around). */
static int hk_clamp_int(size_t v) { return v > (size_t)INT32_MAX ? INT32_MAX : (int)v; }

HK_PUBLIC hk_mallinfo_t HK_NAME(mallinfo)(void) {
  hk_mallinfo2_t m = hk_mallinfo2();
  hk_mallinfo_t o = {
    .arena = hk_clamp_int(m.arena),
    .ordblks = hk_clamp_int(m.ordblks),
    .smblks = hk_clamp_int(m.smblks),
    .hblks = hk_clamp_int(m.hblks),
    .hblkhd = hk_clamp_int(m.hblkhd),
    .usmblks = hk_clamp_int(m.usmblks),
    .fsmblks = hk_clamp_int(m.fsmblks),
    .uordblks = hk_clamp_int(m.uordblks),
    .fordblks = hk_clamp_int(m.fordblks),
    .keepcost = hk_clamp_int(m.keepcost),
  };
  return o;
}

static void hk_stats_line(const char *name, int64_t v, const char *what) {
  hk_line_t l = { .len = 0 };
  hk_line_str(&l, name);
  hk_line_u64(&l, (uint64_t)(v > 0 ? v : 0));
  hk_line_str(&l, what);
  hk_line_str(&l, "\n");
  hk_line_write(&l, 2);
}

/* A summary on stderr, glibc's first lines first. */
HK_PUBLIC void HK_NAME(malloc_stats)(void) {
  int saved = errno;
  hk_usage_t u;
  hk_usage(&u);
  int64_t in_use = u.slab_in_use + u.large_usable;
  hk_line_t l = { .len = 0 };
  hk_line_str(&l, "hakmem " HK_VERSION " variant " HK_VARIANT_NAME "\n");
  hk_line_write(&l, 2);
  hk_stats_line("system bytes     = ", u.mapped, " (mapped: chunks, large mappings, heaps)");
  hk_stats_line("in use bytes     = ", in_use, " (with the program)");
  hk_stats_line("free held bytes  = ", u.mapped - in_use, " (free blocks, caches, idle memory, headers)");
  hk_stats_line("large blocks     = ", u.large_count, "");
  hk_stats_line("large mapped     = ", u.large_mapped, " (bytes)");
  hk_stats_line("idle resident    = ", u.idle_resident, " (malloc_trim would give it back)");
  hk_stats_line("heaps            = ", u.heaps, "");
  hk_stats_line("exited heaps     = ", u.orphans, " (left by threads that exited, to be adopted)");
  errno = saved;
}
