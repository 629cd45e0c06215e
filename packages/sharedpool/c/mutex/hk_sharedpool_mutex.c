/* sharedpool/mutex — four plain LIFO lists (resting slabs and chunks, resident and cold)
 * behind one mutex. Simpler than the lock-free stacks: no tags, no ABA guard, no CAS loops; a
 * chain enters in one step; and the counts change under the lock with the lists, so they are
 * exact at every moment. The cost is contention when many threads refill at once. Only list
 * operations run under the lock: mapping a chunk, reclaiming orphans and returning pages
 * happen outside it (the rest base). Fork: the lock is taken before fork and
 * re-initialised in the child. */

#include "hk_sharedpool_rest.h"

static pthread_mutex_t hk_pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint32_t hk_pool_heads[HK_POOL_LISTS]; /* ids, 0 = empty; under the lock */
static int64_t hk_pool_counts[HK_POOL_LISTS]; /* written under the lock, read without it */

static void hk_pool_count_add(int list, int64_t d) {
  __atomic_store_n(&hk_pool_counts[list], hk_pool_counts[list] + d, __ATOMIC_RELAXED);
}

static uint32_t hk_pool_pop(int list) {
  pthread_mutex_lock(&hk_pool_mutex);
  uint32_t id = hk_pool_heads[list];
  if (id) {
    hk_pool_heads[list] = hk_pool_next(list, id);
    hk_pool_count_add(list, -1);
  }
  pthread_mutex_unlock(&hk_pool_mutex);
  return id;
}

static void hk_pool_push(int list, uint32_t first, uint32_t last, int64_t n) {
  pthread_mutex_lock(&hk_pool_mutex);
  hk_pool_set_next(list, last, hk_pool_heads[list]);
  hk_pool_heads[list] = first;
  hk_pool_count_add(list, n);
  pthread_mutex_unlock(&hk_pool_mutex);
}

static uint32_t hk_pool_take_all(int list) {
  pthread_mutex_lock(&hk_pool_mutex);
  uint32_t id = hk_pool_heads[list];
  hk_pool_heads[list] = 0;
  hk_pool_count_add(list, -hk_pool_counts[list]);
  pthread_mutex_unlock(&hk_pool_mutex);
  return id;
}

/* Read without the lock: an estimate for the purge slot's capacity rule, as in lockfree. */
static int64_t hk_pool_count(int list) { return __atomic_load_n(&hk_pool_counts[list], __ATOMIC_RELAXED); }

/* A pop reads links under the lock, and the release took its chunks under it: no stale reader. */
static int hk_pool_quiesce(void) { return 1; }

static void hk_sharedpool_lock_all(void) { pthread_mutex_lock(&hk_pool_mutex); }
static void hk_sharedpool_unlock_all(void) { pthread_mutex_unlock(&hk_pool_mutex); }
static void hk_sharedpool_reset_locks(void) {
  pthread_mutex_init(&hk_pool_mutex, NULL);
  hk_pool_rest_fork_child();
}

/* Two of the pool's counts, summed under its lock. */
static int64_t hk_pool_counts_sum(int a, int b) {
  pthread_mutex_lock(&hk_pool_mutex);
  int64_t n = hk_pool_counts[a] + hk_pool_counts[b];
  pthread_mutex_unlock(&hk_pool_mutex);
  return n;
}

static int hk_sharedpool_probe(enum hk_sharedpool_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_SHAREDPOOL_EMPTY_SLABS: *out = hk_pool_counts_sum(HK_POOL_SLABS, HK_POOL_SLABS_COLD); return 0;
  case HK_PROBE_SHAREDPOOL_EMPTY_CHUNKS:
    *out = hk_pool_counts_sum(HK_POOL_CHUNKS, HK_POOL_CHUNKS_COLD) +
           hk_pool_parked_chunks(); /* parked: outside the lists */
    return 0;
  case HK_PROBE_SHAREDPOOL_RESIDENT_SLABS: *out = hk_pool_resident_slabs(); return 0;
  }
  return -1;
}
