/* superslab/lazy — chunks are mapped on demand and never touched until a slab carves them, so
 * a chunk costs resident memory only for the blocks actually used. The registry and the
 * mappings are superslab/common's. */

static hk_chunk_t *hk_superslab_chunk_new(void) { return hk_superslab_chunk_map(0); }

static int hk_superslab_probe(const char *name, int64_t arg, int64_t *out) {
  return hk_superslab_common_probe(name, arg, out, 0);
}
