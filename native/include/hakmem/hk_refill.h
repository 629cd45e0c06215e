/* Slot `refill`: moves blocks between the front and the heap's slabs in batches. On a miss it
 * takes from the current slab (its free list, then fresh memory by bump pointer, no memset),
 * then partial slabs, then the shared pool. Before that it collects the blocks other threads
 * handed back (hk_core_remote_collect: the remote slot is a later one, reached through the
 * core, hk_services.h), which the remote slot gives to hk_refill_put_returned one by one.
 * Every function below except the probe is called with h->lock held (the core takes it: see
 * the access rule in hk_layout.h), so a box never locks; it may call hk_orphans_reclaim. */
#ifndef HK_SLOT_REFILL_H
#define HK_SLOT_REFILL_H

#include "hk_prelude.h"
#include "hakmem/hk_track.h"
#include "hakmem/hk_front.h"
#include "hakmem/hk_sharedpool.h"
#include "hakmem/hk_superslab.h"
#include "hakmem/hk_stats.h"
#include "hakmem/hk_block.h"

static void *hk_refill(hk_heap_t *h, uint32_t cls);      /* refill the front, return one block; NULL on OOM */
static void hk_refill_drain(hk_heap_t *h, uint32_t cls); /* the front hit its limit: return a batch */
static void hk_refill_put(hk_heap_t *h, void *p);        /* one block of h back to its slab */
static void hk_refill_put_chain(hk_heap_t *h, void *b);  /* a NULL-terminated chain of h's blocks back */
/* A block another thread handed back to h (the remote slot's collect). owner: the caller is h's
 * own thread on its malloc miss, so the block may go onto that thread's front instead of its
 * slab (the block was just read by the collect: it is in this core's cache); 0 from a trim. */
static void hk_refill_put_returned(hk_heap_t *h, void *p, int owner);
static void hk_refill_trim(hk_heap_t *h);  /* collect, then give empty slabs back */
static void hk_refill_flush(hk_heap_t *h); /* thread exit: the calling thread's cache back, then trim */
/* Blocks of class cls out of h's slabs: in a front cache, in transit back to h, or with the
 * program. Any thread, without h's lock (a relaxed read; introspection and metrics). */
static int64_t hk_refill_out(const hk_heap_t *h, uint32_t cls);
/* Inconsistent slabs in h (0: all consistent): probe core/heaps_check, under h's lock. */
static int64_t hk_refill_check(const hk_heap_t *h);
/* The slot's probes (hakmem_probe("refill", name, ...)): a switch over enum hk_refill_probe, generated
 * from the slot list, with one case for every HK_PROBE_REFILL_* and no default (-Werror=switch
 * refuses a box that leaves one out); a probe the box does not answer is a case returning -1.
 * 0 and *out set when answered. Cold: tools, tests and the core's reports. */
static int hk_refill_probe(enum hk_refill_probe p, int64_t arg, int64_t *out);

#endif
