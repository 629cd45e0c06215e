/* refill/adaptive — the batch follows each thread's demand per class. It starts at minBatch;
 * every refill doubles it (a thread that keeps missing is allocating more than it frees, so
 * the next refill brings more, and misses get rarer: O(log n) refills to reach the ceiling),
 * every drain halves it (a thread that overflows its front is freeing more than it allocates,
 * so what it pulls in next time mostly comes back). Ceiling: maxBatch, maxBytes worth of
 * blocks and the front's capacity. A thread that allocates a few blocks of a class carves and
 * holds few; a producer quickly moves large batches. The state is one 16-bit batch per class
 * per thread, touched only on a miss or a drain. The slab handling is the slabs base (common/hk_refill_slabs.h). */

#include "hk_refill_slabs.h"

static __thread uint16_t hk_adaptive_next[HK_NUM_CLASSES]; /* 0: no refill yet -> minBatch */

/* The ceiling for cls: maxBatch, maxBytes and the front's capacity; at least one. */
static uint32_t hk_adaptive_limit(uint32_t cls) {
  uint32_t n = (uint32_t)(HK_CFG_REFILL_MAX_BYTES / hk_class_size[cls]);
  uint32_t cap = hk_front_capacity(cls);
  if (n > HK_CFG_REFILL_MAX_BATCH) n = HK_CFG_REFILL_MAX_BATCH;
  if (n > cap) n = cap;
  return n ? n : 1;
}

/* The floor for cls: minBatch, never above the ceiling. */
static uint32_t hk_adaptive_floor(uint32_t limit) {
  return HK_CFG_REFILL_MIN_BATCH < limit ? HK_CFG_REFILL_MIN_BATCH : limit;
}

/* The batch the calling thread's next refill of cls moves. */
static uint32_t hk_adaptive_batch(uint32_t cls) {
  uint32_t limit = hk_adaptive_limit(cls), b = hk_adaptive_next[cls];
  if (!b) b = hk_adaptive_floor(limit);
  return b < limit ? b : limit;
}

static HK_NOINLINE void *hk_refill(hk_heap_t *h, uint32_t cls) {
  uint32_t b = hk_adaptive_batch(cls), limit = hk_adaptive_limit(cls);
  hk_adaptive_next[cls] = (uint16_t)(2 * b < limit ? 2 * b : limit);
  return hk_refill_from_slabs(h, cls, b);
}

static HK_NOINLINE void hk_refill_drain(hk_heap_t *h, uint32_t cls) {
  uint32_t b = hk_adaptive_batch(cls) / 2, floor = hk_adaptive_floor(hk_adaptive_limit(cls));
  hk_adaptive_next[cls] = (uint16_t)(b > floor ? b : floor);
  hk_refill_drain_half(h, cls);
}

static int hk_refill_probe(enum hk_refill_probe p, int64_t arg, int64_t *out) {
  if (arg < 0 || arg >= HK_NUM_CLASSES) return -1;
  switch (p) {
  case HK_PROBE_REFILL_BATCH: *out = hk_adaptive_batch((uint32_t)arg); return 0;
  }
  return -1;
}
