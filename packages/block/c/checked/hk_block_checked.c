/* block/checked — encoded links and a keyed free mark: every free-list link is stored encoded
 * with a secret key and its own address, and every link read back is checked to decode to NULL
 * or to an aligned address inside a registered chunk, so a use-after-free write or an overflow
 * into a free block is caught before the allocator follows it. The free mark (word 1) uses the
 * secret key too, so a program cannot forge it; it can still erase it (the hardened box keeps
 * the state out of the block). Invalid frees follow onInvalid, which defaults to abort with the
 * problem and the address.
 *
 * FAST PATH: fast's costs plus one load of the key per link or mark, and the decoded link's
 * registry test on every pop. */

#include "hakmem/hk_block.h"

static uintptr_t hk_block_key;

static void hk_block_init(void) {
  hk_block_key = (uintptr_t)hk_os_random() | 1; /* never zero: an all-zero word never decodes to itself */
}

/* A link lives in a free block: open for a checker around the access (nothing under track/none). */
static inline void hk_link_store(void *p, void *next) {
  hk_track_open(p, sizeof next);
  *(uintptr_t *)p = (uintptr_t)next ^ hk_block_key ^ ((uintptr_t)p >> 4);
  hk_track_close(p, sizeof next);
}

static HK_COLD void hk_block_link_corrupt(const void *p) {
  hk_os_fatal("free list corrupted (a freed block was written: use after free or overflow) at", p);
}

static inline void *hk_link_load(const void *p) {
  hk_track_open(p, sizeof(void *));
  uintptr_t next = *(const uintptr_t *)p ^ hk_block_key ^ ((uintptr_t)p >> 4);
  hk_track_close(p, sizeof(void *));
  if (HK_UNLIKELY(next && ((next & 15) || !hk_registry_contains(next)))) hk_block_link_corrupt(p);
  return (void *)next;
}

static inline uintptr_t hk_block_mark(const void *p) { return (uintptr_t)p ^ ~hk_block_key; }

static inline void hk_block_on_alloc(void *p, uint32_t cls) {
  (void)cls;
  ((uintptr_t *)p)[1] = 0;
}

static inline int hk_block_live(const hk_slab_t *s, const void *p, uint32_t off) {
  return hk_slab_block_start(s, off) && ((const uintptr_t *)p)[1] != hk_block_mark(p);
}

static inline void hk_block_retire(hk_slab_t *s, void *p) {
  (void)s;
  uintptr_t *w = (uintptr_t *)p + 1;
  hk_track_open(w, sizeof *w);
  *w = hk_block_mark(p);
  hk_track_close(w, sizeof *w);
}

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
/* Derived from the keyed mark: a block cannot be made to look like an aligned block's
 * container without the key. */
static inline uintptr_t hk_block_interior_tag(const void *q) { return hk_block_mark(q) ^ 0x21676e696c61686bull; }

static int hk_block_probe(enum hk_block_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_BLOCK_OUT_OF_LINE: /* the live state is in the block */ *out = 0; return 0;
  case HK_PROBE_BLOCK_LIVE_BIT: /* no live bits: hardened's */ return -1;
  }
  return -1;
}
