/* remote/common (base `channel`, contract in hk_remote_channel.h) — the channel every remote box uses: a heap's `remote` word, a lock-free
 * stack of blocks linked through word 0. Senders push a chain (first..last, already linked)
 * with one release CAS (retried while other senders win); the owner takes the whole stack with
 * one acquire exchange, so it reads every link written before the push. There is no pop of
 * one block, so the ABA problem of a Treiber stack cannot arise. */

#include "hk_remote_channel.h"

/* Hand the chain first..last (linked, last's link free) of class cls to o. The CAS attempts
 * are the stats event remote_atomics (compiled out with stats off). */
static inline void hk_remote_push(hk_heap_t *o, void *first, void *last, uint32_t cls) {
  uint64_t tries = 1;
  void *head = __atomic_load_n(&o->remote, __ATOMIC_RELAXED);
  for (;;) {
    hk_link_store(last, head);
    if (__atomic_compare_exchange_n(&o->remote, &head, first, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) break;
    tries++;
  }
  hk_stats_count(HAKMEM_EV_REMOTE_ATOMICS, cls, tries);
}

static inline int hk_remote_pending(hk_heap_t *h) { return __atomic_load_n(&h->remote, __ATOMIC_RELAXED) != NULL; }

static void hk_remote_collect(hk_heap_t *h) {
  hk_refill_put_chain(h, __atomic_exchange_n(&h->remote, NULL, __ATOMIC_ACQUIRE));
}
