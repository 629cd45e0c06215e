/* quarantine/random — each thread holds up to `blocks` freed blocks and `bytes` bytes of them;
 * once full, each free lets go of one held block chosen at random (hardened_malloc's random
 * slab quarantine), so a block's stay has no fixed length a program could count on: a use after
 * free cannot tell when its block will be reused, and the write usually lands while the block
 * is still held, where the block box finds it on the way out (hk_block_leaves_quarantine).
 *
 * FAST PATH (the local free, secure variants only): one compare on the count and one on the
 * bytes; when full, a xorshift step, a multiply for the slot, a swap, and the chosen block's
 * release. Thread exit and malloc_trim let every held block go (hk_quarantine_flush). */

#include "hakmem/hk_quarantine.h"

typedef struct {
  void *block[HK_CFG_QUARANTINE_BLOCKS];
  uint32_t size[HK_CFG_QUARANTINE_BLOCKS];
  uint32_t count;
  uint64_t bytes;
  uint64_t rng; /* xorshift64 state, seeded from the OS per thread; never 0 */
} hk_quarantine_t;

static __thread hk_quarantine_t hk_qt;

static inline int hk_quarantine_on(void) { return 1; }

static void hk_quarantine_thread_init(void) { hk_qt.rng = hk_os_random() | 1; }

/* A random slot below n (n >= 1): Lemire's multiply-shift, no division. */
static inline uint32_t hk_quarantine_pick(uint32_t n) {
  uint64_t x = hk_qt.rng;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  hk_qt.rng = x;
  return (uint32_t)(((x >> 32) * n) >> 32);
}

static inline void hk_quarantine_put(void *p, uint32_t size) {
  hk_quarantine_t *q = &hk_qt;
  if (HK_LIKELY(q->count < HK_CFG_QUARANTINE_BLOCKS && q->bytes + size <= (uint64_t)HK_CFG_QUARANTINE_BYTES)) {
    q->block[q->count] = p;
    q->size[q->count++] = size;
    q->bytes += size;
    return;
  }
  /* full: p takes a random held block's place, which goes; over the bytes bound (a big block
   * came in), more go until it fits, or p itself goes when it alone is too big */
  for (;;) {
    if (!q->count) {
      hk_free_release(p);
      return;
    }
    uint32_t i = hk_quarantine_pick(q->count);
    void *old = q->block[i];
    q->bytes -= q->size[i];
    if (q->bytes + size <= (uint64_t)HK_CFG_QUARANTINE_BYTES) {
      q->block[i] = p;
      q->size[i] = size;
      q->bytes += size;
      hk_free_release(old);
      return;
    }
    q->block[i] = q->block[--q->count];
    q->size[i] = q->size[q->count];
    hk_free_release(old);
  }
}

/* A held block's class is its slab's (cold: introspection only). */
static uint32_t hk_quarantine_held(uint32_t cls) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < hk_qt.count; i++) {
    uintptr_t a = (uintptr_t)hk_qt.block[i];
    n += hk_slab_of(hk_chunk_of(a), a)->cls == cls;
  }
  return n;
}

static void hk_quarantine_flush(void) {
  hk_quarantine_t *q = &hk_qt;
  while (q->count) {
    void *p = q->block[--q->count];
    q->bytes -= q->size[q->count];
    hk_free_release(p);
  }
}

static int hk_quarantine_probe(enum hk_quarantine_probe p, int64_t arg, int64_t *out) {
  switch (p) { /* the calling thread's */
  case HK_PROBE_QUARANTINE_HELD: *out = hk_qt.count; return 0;
  case HK_PROBE_QUARANTINE_HELD_BYTES: *out = (int64_t)hk_qt.bytes; return 0;
  }
  return -1;
}
