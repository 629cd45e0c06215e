/* sharedpool/lockfree — four tagged Treiber stacks (resting slabs and chunks, resident and
 * cold). A head packs a 32-bit tag (ABA guard) and a 32-bit id, so a plain 64-bit CAS
 * suffices. What the lists mean and where slabs come from are the rest base's (common/hk_sharedpool_rest.h).
 *
 * A pop reads the link of the head it loaded, and by then another thread may have popped that
 * head; the tag makes the CAS fail, but the read itself must not fault. Chunks go back to the
 * OS whole (the rest base's (common/hk_sharedpool_rest.h) release), so a pop counts itself in hk_pool_readers for its
 * duration, and the releaser, having taken the chunks off every list, unmaps them only once it
 * has seen the count at zero (hk_pool_quiesce): any pop that could still hold one of their ids
 * began before the take and has ended. Sequentially consistent on both sides (the count's add
 * then the head's load; the take's CAS then the count's load), so one of the two sees the
 * other. Pops are slow-path events (one per 64 KiB slab), so a shared counter costs little. */

#include "hk_sharedpool_rest.h"

typedef struct {
  uint64_t head; /* (tag << 32) | id */
  int64_t count;
  uint8_t pad[HK_CACHE_LINE - 16];
} hk_pool_stack_t;

static hk_pool_stack_t hk_pool_stacks[HK_POOL_LISTS] __attribute__((aligned(HK_CACHE_LINE)));
static int64_t hk_pool_readers __attribute__((aligned(HK_CACHE_LINE))); /* pops in progress */

static void hk_pool_push(int list, uint32_t first, uint32_t last, int64_t n) {
  hk_pool_stack_t *st = &hk_pool_stacks[list];
  uint64_t old = __atomic_load_n(&st->head, __ATOMIC_RELAXED), nw;
  do {
    hk_pool_set_next(list, last, (uint32_t)old);
    nw = (((old >> 32) + 1) << 32) | first;
  } while (!__atomic_compare_exchange_n(&st->head, &old, nw, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
  __atomic_fetch_add(&st->count, n, __ATOMIC_RELAXED);
}

static uint32_t hk_pool_pop(int list) {
  hk_pool_stack_t *st = &hk_pool_stacks[list];
  __atomic_fetch_add(&hk_pool_readers, 1, __ATOMIC_SEQ_CST);
  uint64_t old = __atomic_load_n(&st->head, __ATOMIC_SEQ_CST), nw;
  uint32_t id;
  do {
    id = (uint32_t)old;
    if (!id) break;
    nw = (((old >> 32) + 1) << 32) | hk_pool_next(list, id);
  } while (!__atomic_compare_exchange_n(&st->head, &old, nw, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
  __atomic_fetch_sub(&hk_pool_readers, 1, __ATOMIC_RELEASE);
  if (id) __atomic_fetch_sub(&st->count, 1, __ATOMIC_RELAXED);
  return id;
}

/* One CAS empties the stack; the chain is then the caller's alone, counted as it is walked. */
static uint32_t hk_pool_take_all(int list) {
  hk_pool_stack_t *st = &hk_pool_stacks[list];
  uint64_t old = __atomic_load_n(&st->head, __ATOMIC_ACQUIRE);
  do {
    if (!(uint32_t)old) return 0;
  } while (
      !__atomic_compare_exchange_n(&st->head, &old, ((old >> 32) + 1) << 32, true, __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE));
  int64_t n = 0;
  for (uint32_t id = (uint32_t)old; id; id = hk_pool_next(list, id)) n++;
  __atomic_fetch_sub(&st->count, n, __ATOMIC_RELAXED);
  return (uint32_t)old;
}

/* Pushes add to the count after their CAS, so it may lag, or dip below zero for a moment. */
static int64_t hk_pool_count(int list) {
  int64_t n = __atomic_load_n(&hk_pool_stacks[list].count, __ATOMIC_RELAXED);
  return n > 0 ? n : 0;
}

/* After the caller took what it will unmap off every list: 1 once no pop that began before
 * can still read it (the count seen at zero), 0 when pops kept coming for too long (the caller
 * lists them again). */
static int hk_pool_quiesce(void) {
  for (int i = 0; i < 1000; i++) {
    if (__atomic_load_n(&hk_pool_readers, __ATOMIC_SEQ_CST) == 0) return 1;
    sched_yield();
  }
  return 0;
}

/* No locks, so lock_all and unlock_all are left out (the composer defines them empty): a fork
 * in the middle of a CAS loop leaves the stacks consistent. The child resets the base's state. */
static void hk_sharedpool_reset_locks(void) { hk_pool_rest_fork_child(); }

static int hk_sharedpool_probe(enum hk_sharedpool_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_SHAREDPOOL_EMPTY_SLABS:
    *out = hk_pool_count(HK_POOL_SLABS) + hk_pool_count(HK_POOL_SLABS_COLD);
    return 0;
  case HK_PROBE_SHAREDPOOL_EMPTY_CHUNKS:
    *out = hk_pool_count(HK_POOL_CHUNKS) + hk_pool_count(HK_POOL_CHUNKS_COLD) + hk_pool_parked_chunks();
    return 0;
  case HK_PROBE_SHAREDPOOL_RESIDENT_SLABS: *out = hk_pool_resident_slabs(); return 0;
  }
  return -1;
}
