/* superslab/prefault — every new chunk is populated at once (MADV_POPULATE_WRITE, or one write
 * per page on kernels before 5.14): one syscall instead of 512 page faults spread over the
 * hot path, at the price of 2 MiB resident per chunk from the start. For workloads that fill
 * their chunks anyway (random sizes over a large working set), where the predecessor spent
 * most of its cycles in page faults. The registry and the mappings are superslab/common's. */

static hk_chunk_t *hk_superslab_chunk_new(void) { return hk_superslab_chunk_map(HK_PREP_POPULATE); }

static int hk_superslab_probe(const char *name, int64_t arg, int64_t *out) {
  return hk_superslab_common_probe(name, arg, out, 1);
}
