/* block/fast — the release encoding: links are plain pointers, and a free block carries a
 * free mark in word 1, the block's address under a fixed key, so a second free of a block the
 * program left alone is caught with one load and no secret. The mark lives in the block: a
 * program that writes into a block after freeing it can erase it (the hardened box keeps the
 * state out of the block).
 *
 * FAST PATH: on_alloc = one store (clear the mark); live = the block-start test (two compares,
 * one multiply) and one load and compare of the mark; retire = one store. Links: one load or
 * store. Invalid frees follow onInvalid (default: report the first, ignore the rest). */

#include "hakmem/hk_block.h"

#define HK_BLOCK_MARK_KEY 0x686b6d656d667265ull /* fixed: "hkmemfre" */

static inline uintptr_t hk_block_mark(const void *p) { return (uintptr_t)p ^ HK_BLOCK_MARK_KEY; }

/* A link lives in a free block: open for a checker around the access (nothing under track/none). */
static inline void hk_link_store(void *p, void *next) {
  hk_track_open(p, sizeof next);
  *(void **)p = next;
  hk_track_close(p, sizeof next);
}
static inline void *hk_link_load(const void *p) {
  hk_track_open(p, sizeof(void *));
  void *next = *(void *const *)p;
  hk_track_close(p, sizeof next);
  return next;
}

static inline void hk_block_on_alloc(void *p, uint32_t cls) {
  (void)cls;
  ((uintptr_t *)p)[1] = 0;
}

static inline int hk_block_live(const hk_slab_t *s, const void *p, uint32_t off) {
  return hk_slab_block_start(s, off) && ((const uintptr_t *)p)[1] != hk_block_mark(p);
}

/* The mark goes into word 1 of a block that is free from now on: opened for a checker. */
static inline void hk_block_retire(hk_slab_t *s, void *p) {
  (void)s;
  uintptr_t *w = (uintptr_t *)p + 1;
  hk_track_open(w, sizeof *w);
  *w = hk_block_mark(p);
  hk_track_close(w, sizeof *w);
}

/* The mark is one plain store: two threads freeing one block at once may both get here. */
static inline int hk_block_retire_remote(hk_slab_t *s, void *p) {
  hk_block_retire(s, p);
  return 1;
}

static inline void hk_block_home(void *p) { (void)p; }
static inline void hk_block_leaves_quarantine(const hk_slab_t *s, void *p) {
  (void)s;
  (void)p;
}
static void hk_block_slab_leaves(hk_slab_t *s) { (void)s; }
static inline uint32_t hk_block_tail(void) { return 0; }
static inline int hk_block_strict(void) { return 0; }
static inline uintptr_t hk_block_interior_tag(const void *q) { return hk_block_mark(q) ^ 0x21676e696c61686bull; }

static int hk_block_probe(enum hk_block_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_BLOCK_OUT_OF_LINE: /* the live state is in the block */ *out = 0; return 0;
  case HK_PROBE_BLOCK_LIVE_BIT: /* no live bits: hardened's */ return -1;
  }
  return -1;
}
