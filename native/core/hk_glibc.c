/* hk_glibc.c — glibc's extensions, answered with hakmem's figures (hk_usage.c): mallinfo2,
 * mallinfo, malloc_stats, malloc_info, and mallopt's parameters that map onto hakmem's.
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
 * (uordblks' error bound: hk_usage.c.) */

#include <stdio.h> /* malloc_info writes to the caller's FILE */

/* The layout of glibc's struct mallinfo2 and struct mallinfo (<malloc.h>), under names of our
 * own so that the unit needs no <malloc.h>. */
typedef struct {
  size_t arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
} hk_mallinfo2_t;
typedef struct {
  int arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
} hk_mallinfo_t;

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

HK_API hk_mallinfo2_t HK_NAME(mallinfo2)(void) { return hk_mallinfo2(); }

/* The int fields of the old call saturate at INT_MAX (glibc's wrap around). */
static int hk_clamp_int(size_t v) { return v > (size_t)INT32_MAX ? INT32_MAX : (int)v; }

HK_API hk_mallinfo_t HK_NAME(mallinfo)(void) {
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

/* A summary on stderr, glibc's first lines first. */
HK_API void HK_NAME(malloc_stats)(void) {
  int saved = errno;
  hk_usage_t u;
  hk_usage(&u);
  int64_t in_use = u.slab_in_use + u.large_usable;
  hk_out_t o;
  hk_out_fd(&o, 2);
  hk_out_str(&o, "hakmem " HK_VERSION " variant " HK_VARIANT_NAME "\n");
  hk_out_printf(&o, "system bytes     = %llu (mapped: chunks, large mappings, heaps)\n", hk_pos(u.mapped));
  hk_out_printf(&o, "in use bytes     = %llu (with the program)\n", hk_pos(in_use));
  hk_out_printf(&o, "free held bytes  = %llu (free blocks, caches, idle memory, headers)\n", hk_pos(u.mapped - in_use));
  hk_out_printf(&o, "large blocks     = %llu\n", hk_pos(u.large_count));
  hk_out_printf(&o, "large mapped     = %llu (bytes)\n", hk_pos(u.large_mapped));
  hk_out_printf(&o, "idle resident    = %llu (malloc_trim would give it back)\n", hk_pos(u.idle_resident));
  hk_out_printf(&o, "heaps            = %llu\n", hk_pos(u.heaps));
  hk_out_printf(&o, "exited heaps     = %llu (left by threads that exited, to be adopted)\n", hk_pos(u.orphans));
  hk_out_end(&o);
  errno = saved;
}

/* mallopt: the parameters that map onto hakmem's. M_TRIM_THRESHOLD (-1) caps what may rest
 * resident (the purge slot's capacity rule; 1 if the box has one); M_ARENA_MAX (-8) and
 * M_ARENA_TEST (-7) are accepted and do nothing (each thread has its own heap; there are no
 * arenas to bound); everything else returns 0, M_MMAP_THRESHOLD (-3) included: hakmem's
 * threshold for a block of its own mapping is the top of its size classes (256 KiB), fixed
 * when the variant is built. */
HK_API int HK_NAME(mallopt)(int param, int value) {
  hk_init();
  switch (param) {
  case -1: return value >= 0 ? hk_purge_set_capacity((uint64_t)value) : 0;
  case -7:
  case -8: return 1;
  default: return 0;
  }
}

/* malloc_info's sink: the caller's FILE, through stdio (the figures are taken before). */
static void hk_out_sink_file(hk_out_t *o, const char *s, size_t n) { fwrite(s, 1, n, (FILE *)o->ctx); }

/* malloc_info(0, fp): glibc's XML shape, with hakmem's detail: per size class the blocks in
 * use and their bytes (<size from= to= total= count=>), then per kind: slab blocks in use,
 * large blocks (type "mmap"), idle memory malloc_trim would give back (type "idle"), and
 * what is mapped (<system>, <aspace>). options must be 0 (EINVAL otherwise). The figures are
 * taken first; only then is fp written, through stdio. */
HK_API int HK_NAME(malloc_info)(int options, FILE *fp) {
  if (options != 0 || !fp) {
    errno = EINVAL;
    return -1;
  }
  int saved = errno;
  hk_usage_t u;
  hk_usage(&u);
  unsigned long long count = 0;
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) count += hk_pos(u.blocks[c]);
  hk_out_t o;
  hk_out_to(&o, hk_out_sink_file, fp);
  hk_out_str(&o, "<malloc version=\"1\">\n<heap nr=\"0\">\n<sizes>\n");
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) {
    if (!u.blocks[c]) continue;
    hk_out_printf(&o, "  <size from=\"%u\" to=\"%u\" total=\"%llu\" count=\"%llu\"/>\n",
                  c ? (unsigned)hk_class_size[c - 1] + 1 : 1u, (unsigned)hk_class_size[c],
                  hk_pos(u.blocks[c]) * hk_class_stride[c], hk_pos(u.blocks[c]));
  }
  hk_out_str(&o, "</sizes>\n");
  hk_out_printf(&o, "<total type=\"slab\" count=\"%llu\" size=\"%llu\"/>\n", count, hk_pos(u.slab_in_use));
  hk_out_printf(&o, "<total type=\"mmap\" count=\"%llu\" size=\"%llu\"/>\n", hk_pos(u.large_count),
                hk_pos(u.large_mapped));
  hk_out_printf(&o, "<total type=\"idle\" size=\"%llu\"/>\n", hk_pos(u.idle_resident));
  hk_out_printf(&o, "<system type=\"current\" size=\"%llu\"/>\n", hk_pos(u.mapped));
  hk_out_printf(&o, "<aspace type=\"total\" size=\"%llu\"/>\n", hk_pos(u.mapped));
  hk_out_printf(&o, "<heaps count=\"%llu\" exited=\"%llu\"/>\n", hk_pos(u.heaps), hk_pos(u.orphans));
  hk_out_str(&o, "</heap>\n</malloc>\n");
  hk_out_end(&o);
  errno = saved;
  return 0;
}
