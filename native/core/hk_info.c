/* hk_info.c — the glibc introspection calls, answered with hakmem's figures: mallinfo2,
 * mallinfo and malloc_stats. Each reads state the allocator keeps anyway, at read time: the OS
 * counters, the refill slot's per-class counts of blocks out of each heap's slabs, the large
 * slot's live figures, and the idle bytes of the pool and the large cache (their probes). They
 * take no lock (the heap list is walked as hk_layout.h allows) and allocate nothing.
 *
 * What the figures mean (docs/introspection.md):
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

#include <stdio.h> /* malloc_info writes to the caller's FILE */

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
  int64_t slab_out;    /* slab blocks out of their slabs (also in thread caches), by stride */
  int64_t large_count, large_mapped, large_usable;
  int64_t idle_resident; /* what malloc_trim would give back */
  int64_t heaps, orphans;
  int64_t blocks[HK_NUM_CLASSES]; /* slab blocks with the program, per class */
} hk_usage_t;

static void hk_usage(hk_usage_t *u) {
  memset(u, 0, sizeof *u);
  hk_init();
  u->mapped = __atomic_load_n(&hk_os_counters.bytes_mapped, __ATOMIC_RELAXED);
  /* no lock: heaps are never unmapped and the list only grows at its head (hk_layout.h) */
  for (const hk_heap_t *h = __atomic_load_n(&hk_heaps_all, __ATOMIC_ACQUIRE); h; h = h->next_all) {
    u->heaps++;
    if (__atomic_load_n(&h->state, __ATOMIC_RELAXED) == HK_HEAP_ORPHAN) u->orphans++;
    for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) u->blocks[c] += hk_refill_out(h, c);
  }
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) u->slab_out += u->blocks[c] * (int64_t)hk_class_stride[c];
  if (hk_tls_heap) /* the calling thread's own cache and quarantine are not in use */
    for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) u->blocks[c] -= hk_front_count(c) + hk_quarantine_held(c);
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) {
    if (u->blocks[c] < 0) u->blocks[c] = 0;
    u->slab_in_use += u->blocks[c] * (int64_t)hk_class_stride[c];
  }
  hk_large_live(&u->large_count, &u->large_mapped, &u->large_usable);
  int64_t v;
  if (hk_sharedpool_probe(HK_PROBE_SHAREDPOOL_RESIDENT_SLABS, 0, &v) == 0 && v > 0)
    u->idle_resident += v * (int64_t)HK_SLAB_SIZE;
  if (hk_large_probe(HK_PROBE_LARGE_CACHED_BYTES, 0, &v) == 0 && v > 0) u->idle_resident += v;
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

/* mallopt: the parameters that map onto hakmem's. M_TRIM_THRESHOLD (-1) caps what may rest
 * resident (the purge slot's capacity rule; 1 if the box has one); M_ARENA_MAX (-8) and
 * M_ARENA_TEST (-7) are accepted and do nothing (each thread has its own heap; there are no
 * arenas to bound); everything else returns 0, M_MMAP_THRESHOLD (-3) included: hakmem's
 * threshold for a block of its own mapping is the top of its size classes (256 KiB), fixed
 * when the variant is built. */
HK_PUBLIC int HK_NAME(mallopt)(int param, int value) {
  hk_init();
  switch (param) {
  case -1: return value >= 0 ? hk_purge_set_capacity((uint64_t)value) : 0;
  case -7:
  case -8: return 1;
  default: return 0;
  }
}

/* A bounded line for malloc_info: stack only. */
static void hk_xml_attr(hk_line_t *l, const char *name, uint64_t v) {
  hk_line_str(l, " ");
  hk_line_str(l, name);
  hk_line_str(l, "=\"");
  hk_line_u64(l, v);
  hk_line_str(l, "\"");
}

static void hk_xml_put(hk_line_t *l, FILE *fp) {
  hk_line_str(l, "\n");
  fwrite(l->buf, 1, l->len, fp);
  l->len = 0;
}

/* malloc_info(0, fp): glibc's XML shape, with hakmem's detail: per size class the blocks in
 * use and their bytes (<size from= to= total= count=>), then per kind: slab blocks in use,
 * large blocks (type "mmap"), idle memory malloc_trim would give back (type "idle"), and
 * what is mapped (<system>, <aspace>). options must be 0 (EINVAL otherwise). The figures are
 * taken first; only then is fp written, through stdio. */
HK_PUBLIC int HK_NAME(malloc_info)(int options, FILE *fp) {
  if (options != 0 || !fp) {
    errno = EINVAL;
    return -1;
  }
  int saved = errno;
  hk_usage_t u;
  hk_usage(&u);
  int64_t count = 0;
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) count += u.blocks[c];
  hk_line_t l = { .len = 0 };
  hk_line_str(&l, "<malloc version=\"1\">");
  hk_xml_put(&l, fp);
  hk_line_str(&l, "<heap nr=\"0\">");
  hk_xml_put(&l, fp);
  hk_line_str(&l, "<sizes>");
  hk_xml_put(&l, fp);
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) {
    if (!u.blocks[c]) continue;
    hk_line_str(&l, "  <size");
    hk_xml_attr(&l, "from", c ? hk_class_size[c - 1] + 1 : 1);
    hk_xml_attr(&l, "to", hk_class_size[c]);
    hk_xml_attr(&l, "total", (uint64_t)u.blocks[c] * hk_class_stride[c]);
    hk_xml_attr(&l, "count", (uint64_t)u.blocks[c]);
    hk_line_str(&l, "/>");
    hk_xml_put(&l, fp);
  }
  hk_line_str(&l, "</sizes>");
  hk_xml_put(&l, fp);
  hk_line_str(&l, "<total type=\"slab\"");
  hk_xml_attr(&l, "count", (uint64_t)count);
  hk_xml_attr(&l, "size", (uint64_t)u.slab_in_use);
  hk_line_str(&l, "/>");
  hk_xml_put(&l, fp);
  hk_line_str(&l, "<total type=\"mmap\"");
  hk_xml_attr(&l, "count", (uint64_t)u.large_count);
  hk_xml_attr(&l, "size", (uint64_t)u.large_mapped);
  hk_line_str(&l, "/>");
  hk_xml_put(&l, fp);
  hk_line_str(&l, "<total type=\"idle\"");
  hk_xml_attr(&l, "size", (uint64_t)u.idle_resident);
  hk_line_str(&l, "/>");
  hk_xml_put(&l, fp);
  hk_line_str(&l, "<system type=\"current\"");
  hk_xml_attr(&l, "size", (uint64_t)(u.mapped > 0 ? u.mapped : 0));
  hk_line_str(&l, "/>");
  hk_xml_put(&l, fp);
  hk_line_str(&l, "<aspace type=\"total\"");
  hk_xml_attr(&l, "size", (uint64_t)(u.mapped > 0 ? u.mapped : 0));
  hk_line_str(&l, "/>");
  hk_xml_put(&l, fp);
  hk_line_str(&l, "<heaps");
  hk_xml_attr(&l, "count", (uint64_t)u.heaps);
  hk_xml_attr(&l, "exited", (uint64_t)u.orphans);
  hk_line_str(&l, "/>");
  hk_xml_put(&l, fp);
  hk_line_str(&l, "</heap>");
  hk_xml_put(&l, fp);
  hk_line_str(&l, "</malloc>");
  hk_xml_put(&l, fp);
  errno = saved;
  return 0;
}
