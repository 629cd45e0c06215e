/* remote/common (base `channel`, contract in hk_remote_channel.h) — the channel every remote box
 * uses: a heap's `remote` words, HK_REMOTE_LANES lock-free stacks of blocks linked through word 0.
 * Senders push a chain (first..last, already linked) onto one lane with one release CAS (retried
 * while other senders win); the owner takes every lane whole with one acquire exchange each, so
 * it reads every link written before the push. There is no pop of one block, so the ABA problem
 * of a Treiber stack cannot arise.
 *
 * Why lanes: each block's line was last written by the sender's core, so every link the owner
 * loads is a cache miss, and down one chain each miss waits for the one before (it gives the
 * next address). perf of xthread put 40% of its samples on that one load. The owner walks the
 * lanes side by side, so their misses overlap. */

#include "hk_remote_channel.h"

_Static_assert((HK_REMOTE_LANES & (HK_REMOTE_LANES - 1)) == 0, "lanes: a power of two");

static inline void hk_remote_push(hk_heap_t *o, uint32_t lane, void *first, void *last, uint32_t cls) {
  void **to = &o->remote[lane & (HK_REMOTE_LANES - 1)];
  uint64_t tries = 1;
  void *head = __atomic_load_n(to, __ATOMIC_RELAXED);
  for (;;) {
    hk_link_store(last, head);
    if (__atomic_compare_exchange_n(to, &head, first, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) break;
    tries++;
  }
  hk_stats_count(HAKMEM_EV_REMOTE_ATOMICS, cls, tries);
}

/* A multiplicative hash of the address's 16-byte granule: neighbouring blocks of any stride
 * land in different lanes. */
static inline uint32_t hk_remote_lane_of(const void *p) {
  return (uint32_t)((((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ull) >> 60) & (HK_REMOTE_LANES - 1);
}

static inline int hk_remote_pending(hk_heap_t *h) {
  uintptr_t any = 0;
  for (uint32_t i = 0; i < HK_REMOTE_LANES; i++) any |= (uintptr_t)__atomic_load_n(&h->remote[i], __ATOMIC_RELAXED);
  return any != 0;
}

/* Every lane, walked side by side: the link loads of one step are independent, so their misses
 * overlap. Each block goes to the refill on its own (its link cut first), so no block is walked
 * twice. */
static void hk_remote_collect(hk_heap_t *h, int owner) {
  void *lane[HK_REMOTE_LANES], *next[HK_REMOTE_LANES];
  uint32_t live = 0;
  for (uint32_t i = 0; i < HK_REMOTE_LANES; i++) {
    lane[i] = NULL; /* an empty lane costs a load, not an exchange (a locked write to the senders' line) */
    if (__atomic_load_n(&h->remote[i], __ATOMIC_RELAXED))
      lane[i] = __atomic_exchange_n(&h->remote[i], NULL, __ATOMIC_ACQUIRE);
    live += lane[i] != NULL;
  }
  while (live) {
    live = 0;
    for (uint32_t i = 0; i < HK_REMOTE_LANES; i++) next[i] = lane[i] ? hk_link_load(lane[i]) : NULL;
    for (uint32_t i = 0; i < HK_REMOTE_LANES; i++) {
      if (!lane[i]) continue;
      hk_link_store(lane[i], NULL);
      hk_refill_put_returned(h, lane[i], owner);
      lane[i] = next[i];
      live += lane[i] != NULL;
    }
  }
}
