/* hk_services.h — what the core offers a box: the calls a box may make that are not its own
 * slot's or an earlier slot's. A slot may use only the slots before it (docs/contract.md);
 * where a box must reach work a later slot does (purge giving back what rests in the shared
 * pool and the large cache; superslab handing a chunk to the pool; refill collecting what the
 * remote slot holds for its heap), it calls the core, and the core, which is compiled after
 * every box, calls that slot. The forwarding services are `static inline` and defined in
 * native/core/hk_services.c, in the same generated unit, so the compiler folds each into its
 * caller: the layering costs no instruction. */
#ifndef HK_SERVICES_H
#define HK_SERVICES_H

/* what hk_prelude.h includes before it: the shapes the services name */
#include "hk_base.h"
#include "hk_classes.h"
#include "hk_os.h"
#include "hk_layout.h"

/* The core's own work (hk_heap.c, hk_free.c). */
static void hk_orphans_reclaim(void);                  /* give back what exited threads left, before mapping more */
static void hk_pressure(int heap_locked);              /* a mapping failed: purge everything idle now, then
                                                          retry once (heap_locked: the caller is a refill) */
static void hk_heap_drain(hk_heap_t *h, uint32_t cls); /* the front of cls is full: hk_refill_drain
                                                          under h's lock (for the core's free) */
static void hk_free_release(void *p);                  /* a block the calling thread freed and a quarantine
                                                          held goes onto its front (hk_free.c) */

/* A later slot's work, forwarded (hk_services.c). */
/* sharedpool's hk_pool_purge: give back the pages of resting slabs and chunks stamped before
 * `before` (ms; UINT64_MAX: all), then unmap whole cold chunks; the bytes given back. */
static inline size_t hk_core_pool_purge(uint64_t before);
/* large's hk_large_purge: unmap cached mappings stamped before `before`; the bytes. */
static inline size_t hk_core_large_purge(uint64_t before);
/* sharedpool's hk_pool_give_chunk: an empty chunk comes to rest in the pool. */
static inline void hk_core_pool_give_chunk(hk_chunk_t *ch);
/* remote's hk_remote_pending: blocks wait in h's channel (a relaxed read, a hint). */
static inline int hk_core_remote_pending(hk_heap_t *h);
/* remote's hk_remote_collect: h's lock is held; every block handed to h goes to
 * hk_refill_put_returned (owner: the caller is h's thread on its miss). */
static inline void hk_core_remote_collect(hk_heap_t *h, int owner);

#endif
