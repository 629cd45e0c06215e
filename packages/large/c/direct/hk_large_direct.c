/* large/direct — no cache: every large block is its own fresh mapping and every free unmaps it
 * at once, so freed large memory never stays resident (the lowest RSS), at the price of an
 * mmap, a munmap and the page faults on each reuse. Nothing is reused, so `scrub` has nothing
 * to do; `guard` costs one mprotect per block. Header and aligned-block handling are
 * the mappings base's (common/hk_large_mappings.h); the only lock is the side table's. */

#include "hk_large_mappings.h"

/* A fresh mapping reads as zero: neither calloc (zero) nor scrub needs a memset. */
static void *hk_large_alloc(size_t size, size_t align, int zero) {
  (void)zero;
  size_t len;
  if (!hk_large_layout(size, align, &len)) return NULL;
  hk_chunk_t *ch = hk_large_map(len, align);
  return ch ? hk_large_publish(ch, len, size, align) : NULL;
}

/* The record is verified before its map_len decides what is unmapped. */
static void hk_large_free(hk_chunk_t *ch) {
  int saved = errno;
  hk_large_rec_t r = hk_large_rec_checked(ch);
  hk_large_forget_aligned(ch, &r);
  hk_superslab_unmap_large(ch, r.map_len);
  hk_purge_tick();
  errno = saved;
}

static size_t hk_large_purge(uint64_t before) {
  (void)before;
  return 0;
} /* nothing cached */

static void hk_large_init(void) { hk_large_mappings_init(); }
static void hk_large_lock_all(void) { hk_lock(&hk_large_aligned_lock); }
static void hk_large_unlock_all(void) { hk_unlock(&hk_large_aligned_lock); }
static void hk_large_reset_locks(void) { hk_lock_reset(&hk_large_aligned_lock); }

/* Nothing is ever cached. */
static int hk_large_probe(enum hk_large_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_LARGE_CACHED:
  case HK_PROBE_LARGE_CACHED_BYTES: *out = 0; return 0;
  }
  return -1;
}
