/* superslab/thp — every new chunk is advised MADV_HUGEPAGE before its first touch: 2 MiB and
 * 2 MiB aligned, it can be one transparent huge page, so one TLB entry covers it and it
 * faults in once instead of 512 times. With `populate` (default) that fault is taken at once,
 * off the hot path. Costs 2 MiB resident per chunk as soon as it is touched; needs THP set to
 * `madvise` or `always` (elsewhere the advice is harmless). The registry and the mappings are
 * superslab/common's. */

static hk_chunk_t *hk_superslab_chunk_new(void) {
  return hk_superslab_chunk_map(HK_PREP_HUGE | (HK_CFG_SUPERSLAB_POPULATE ? HK_PREP_POPULATE : 0));
}

static int hk_superslab_probe(const char *name, int64_t arg, int64_t *out) {
  return hk_superslab_common_probe(name, arg, out, 1);
}
