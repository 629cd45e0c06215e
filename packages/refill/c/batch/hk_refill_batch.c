/* refill/batch — fixed-size batches between the front and the heap's slabs: every miss moves
 * the same number of blocks (batchBlocks, capped by batchBytes and the front's capacity), every
 * overflow drains half the front back. The slab handling is the slabs base (common/hk_refill_slabs.h). */

#include "hk_refill_slabs.h"

static inline uint32_t hk_refill_batch(uint32_t cls) {
  uint32_t n = (uint32_t)(HK_CFG_REFILL_BATCH_BYTES / hk_class_size[cls]);
  uint32_t cap = hk_front_capacity(cls);
  if (n > HK_CFG_REFILL_BATCH_BLOCKS) n = HK_CFG_REFILL_BATCH_BLOCKS;
  if (n > cap) n = cap;
  return n ? n : 1;
}

static HK_NOINLINE void *hk_refill(hk_heap_t *h, uint32_t cls) {
  return hk_refill_from_slabs(h, cls, hk_refill_batch(cls));
}

static HK_NOINLINE void hk_refill_drain(hk_heap_t *h, uint32_t cls) { hk_refill_drain_half(h, cls); }

static int hk_refill_probe(enum hk_refill_probe p, int64_t arg, int64_t *out) {
  if (arg < 0 || arg >= HK_NUM_CLASSES) return -1;
  switch (p) {
  case HK_PROBE_REFILL_BATCH: *out = hk_refill_batch((uint32_t)arg); return 0;
  }
  return -1;
}
