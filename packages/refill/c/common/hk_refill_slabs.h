/* refill's base `slabs` (@hakmem/refill, defineBase): a heap's slabs as its per-class stock.
 * A box built on it decides only how many blocks move; the base does the rest.
 *
 * The base defines every function of hk_refill.h except these three, which the box defines:
 *   hk_refill(h, cls)        usually hk_refill_from_slabs(h, cls, <how many>)
 *   hk_refill_drain(h, cls)  usually hk_refill_drain_half(h, cls)
 *   hk_refill_probe(...)
 * It reads the tunables HK_CFG_REFILL_KEEP_SPARE, HK_CFG_REFILL_COLLECT_TO_FRONT and
 * HK_CFG_REFILL_SHUFFLE (declare the base's tunables: spread them).
 * It keeps its state in the heap's refill_area (hk_stock); a box may read it (under the lock)
 * and may keep per-thread state of its own, but writes no slab field.
 * What it writes into a block: the link (word 0, through hk_link_store); every block that goes
 * back onto a slab's free list, or from another thread's free onto the front, is first shown to
 * the block slot (hk_block_home). A slab given to a class has its block area marked unused for a
 * memory checker (hk_track_unused). */
#ifndef HK_REFILL_SLABS_H
#define HK_REFILL_SLABS_H

#include "hakmem/hk_refill.h"

/* A heap's slabs of one class: the one blocks come from (current), those with free blocks
 * (partial, doubly linked through next/prev), and one empty slab kept back (spare). */
/* may_alias: the core declares the area as words (void *) */
typedef struct __attribute__((may_alias)) {
  hk_slab_t *current[HK_NUM_CLASSES];
  hk_slab_t *partial[HK_NUM_CLASSES];
  hk_slab_t *spare[HK_NUM_CLASSES];
  /* Blocks out of the heap's slabs per class (in a front cache, in transit back, or with the
   * program): written under the lock with relaxed atomic stores, read by anyone (hk_refill_out). */
  int64_t out[HK_NUM_CLASSES];
} hk_stock_t;

_Static_assert(sizeof(hk_stock_t) <= sizeof(((hk_heap_t *)0)->refill_area), "the stock fits the heap's refill area");

/* h's stock; the caller holds h's lock (the refill slot's rule). */
static inline hk_stock_t *hk_stock(hk_heap_t *h) { return (hk_stock_t *)(void *)h->refill_area; }
static inline const hk_stock_t *hk_stock_const(const hk_heap_t *h) {
  return (const hk_stock_t *)(const void *)h->refill_area;
}

/* The front of cls missed: move up to want blocks (>= 1) from h's slabs into the front and
 * return one of them; NULL on OOM. Collects remote frees first when some wait: those go onto
 * the fronts with room (not under shuffle), and one of cls among them is the block returned. */
static void *hk_refill_from_slabs(hk_heap_t *h, uint32_t cls, uint32_t want);
/* The front of cls is at its limit: give half of it back to the slabs. errno is kept. */
static void hk_refill_drain_half(hk_heap_t *h, uint32_t cls);

#endif
