/* sharedpool/mutex — two plain LIFO lists (empty 64 KiB slabs, empty whole chunks) behind one
 * mutex. Simpler than the lock-free stacks: no tags, no ABA guard, no CAS loops; a cut chunk's
 * 31 slabs enter in one step; and the counts change under the lock with the lists, so they are
 * exact at every moment. The cost is contention when many threads refill at once. Only list
 * operations run under the lock: mapping a chunk, reclaiming orphans and returning pages happen
 * outside it (sharedpool/common, which also holds the retainSlabs policy). Fork: the lock is
 * taken before fork and re-initialised in the child. */

static pthread_mutex_t hk_pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint32_t hk_pool_slab_head, hk_pool_chunk_head;   /* ids, 0 = empty */
static int64_t hk_pool_slab_count, hk_pool_chunk_count;  /* written under the lock */

/* Read without the lock: an estimate for the retainSlabs policy, as in lockfree. */
static int64_t hk_pool_resting_slabs(void) {
  return __atomic_load_n(&hk_pool_slab_count, __ATOMIC_RELAXED) +
         HK_SLABS_PER_CHUNK * __atomic_load_n(&hk_pool_chunk_count, __ATOMIC_RELAXED);
}

/* Under the lock: count += d (atomic stores, for the unlocked reader above). */
static void hk_pool_count_add(int64_t *count, int64_t d) { __atomic_store_n(count, *count + d, __ATOMIC_RELAXED); }

static hk_slab_t *hk_pool_pop_slab(void) {
  hk_slab_t *s = NULL;
  pthread_mutex_lock(&hk_pool_mutex);
  if (hk_pool_slab_head) {
    s = hk_slab_from_id(hk_pool_slab_head);
    hk_pool_slab_head = s->pool_next;
    hk_pool_count_add(&hk_pool_slab_count, -1);
  }
  pthread_mutex_unlock(&hk_pool_mutex);
  return s;
}

static hk_chunk_t *hk_pool_pop_chunk(void) {
  hk_chunk_t *ch = NULL;
  pthread_mutex_lock(&hk_pool_mutex);
  if (hk_pool_chunk_head) {
    ch = hk_pool_chunk_from_id(hk_pool_chunk_head);
    hk_pool_chunk_head = ch->pool_next;
    hk_pool_count_add(&hk_pool_chunk_count, -1);
  }
  pthread_mutex_unlock(&hk_pool_mutex);
  return ch;
}

static void hk_pool_push_slab(hk_slab_t *s) {
  pthread_mutex_lock(&hk_pool_mutex);
  s->pool_next = hk_pool_slab_head;
  hk_pool_slab_head = hk_slab_id(s);
  hk_pool_count_add(&hk_pool_slab_count, 1);
  pthread_mutex_unlock(&hk_pool_mutex);
}

static void hk_pool_push_chunk(hk_chunk_t *ch) {
  pthread_mutex_lock(&hk_pool_mutex);
  ch->pool_next = hk_pool_chunk_head;
  hk_pool_chunk_head = hk_pool_chunk_id(ch);
  hk_pool_count_add(&hk_pool_chunk_count, 1);
  pthread_mutex_unlock(&hk_pool_mutex);
}

static void hk_pool_push_cut(hk_chunk_t *ch) {
  pthread_mutex_lock(&hk_pool_mutex);
  ch->slabs[HK_SLABS_PER_CHUNK - 1].pool_next = hk_pool_slab_head;
  hk_pool_slab_head = hk_slab_id(&ch->slabs[1]);
  hk_pool_count_add(&hk_pool_slab_count, HK_SLABS_PER_CHUNK - 1);
  pthread_mutex_unlock(&hk_pool_mutex);
}

static void hk_sharedpool_init(void) {}
static void hk_sharedpool_lock_all(void) { pthread_mutex_lock(&hk_pool_mutex); }
static void hk_sharedpool_unlock_all(void) { pthread_mutex_unlock(&hk_pool_mutex); }
static void hk_sharedpool_reset_locks(void) { pthread_mutex_init(&hk_pool_mutex, NULL); }

/* Exact: read under the lock. */
static int hk_sharedpool_probe(const char *name, int64_t arg, int64_t *out) {
  (void)arg;
  const int64_t *count = !strcmp(name, "empty_slabs") ? &hk_pool_slab_count
                       : !strcmp(name, "empty_chunks") ? &hk_pool_chunk_count : NULL;
  if (!count) return -1;
  pthread_mutex_lock(&hk_pool_mutex);
  *out = *count;
  pthread_mutex_unlock(&hk_pool_mutex);
  return 0;
}
