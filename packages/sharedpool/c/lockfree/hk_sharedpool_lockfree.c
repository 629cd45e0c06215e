/* sharedpool/lockfree — two tagged Treiber stacks: empty 64 KiB slabs and empty whole chunks.
 * The head packs a 32-bit tag (ABA guard) and a 32-bit id, so a plain 64-bit CAS suffices.
 * Chunks that feed these stacks are never unmapped, so reading a popped neighbour's link is
 * always safe. Where slabs come from and the retainSlabs policy are sharedpool/common's. */

typedef struct {
  uint64_t head;              /* (tag << 32) | id */
  int64_t  count;
  uint8_t pad[HK_CACHE_LINE - 16];
} hk_pool_stack_t;

static hk_pool_stack_t hk_pool_slabs __attribute__((aligned(HK_CACHE_LINE)));
static hk_pool_stack_t hk_pool_chunks __attribute__((aligned(HK_CACHE_LINE)));

static uint32_t *hk_pool_slab_link(uint32_t id) { return &hk_slab_from_id(id)->pool_next; }
static uint32_t *hk_pool_chunk_link(uint32_t id) { return &hk_pool_chunk_from_id(id)->pool_next; }

/* Push the chain first..last (already linked through link()) in one CAS. */
static void hk_pool_push(hk_pool_stack_t *st, uint32_t first, uint32_t last, int64_t n,
                         uint32_t *(*link)(uint32_t)) {
  uint64_t old = __atomic_load_n(&st->head, __ATOMIC_RELAXED), nw;
  do {
    __atomic_store_n(link(last), (uint32_t)old, __ATOMIC_RELAXED);
    nw = (((old >> 32) + 1) << 32) | first;
  } while (!__atomic_compare_exchange_n(&st->head, &old, nw, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
  __atomic_fetch_add(&st->count, n, __ATOMIC_RELAXED);
}

static uint32_t hk_pool_pop(hk_pool_stack_t *st, uint32_t *(*link)(uint32_t)) {
  uint64_t old = __atomic_load_n(&st->head, __ATOMIC_ACQUIRE), nw;
  uint32_t id;
  do {
    id = (uint32_t)old;
    if (!id) return 0;
    uint32_t next = __atomic_load_n(link(id), __ATOMIC_RELAXED);
    nw = (((old >> 32) + 1) << 32) | next;
  } while (!__atomic_compare_exchange_n(&st->head, &old, nw, true, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE));
  __atomic_fetch_sub(&st->count, 1, __ATOMIC_RELAXED);
  return id;
}

static int64_t hk_pool_resting_slabs(void) {
  return __atomic_load_n(&hk_pool_slabs.count, __ATOMIC_RELAXED) +
         HK_SLABS_PER_CHUNK * __atomic_load_n(&hk_pool_chunks.count, __ATOMIC_RELAXED);
}

static hk_slab_t *hk_pool_pop_slab(void) {
  uint32_t id = hk_pool_pop(&hk_pool_slabs, hk_pool_slab_link);
  return id ? hk_slab_from_id(id) : NULL;
}

static hk_chunk_t *hk_pool_pop_chunk(void) {
  uint32_t id = hk_pool_pop(&hk_pool_chunks, hk_pool_chunk_link);
  return id ? hk_pool_chunk_from_id(id) : NULL;
}

static void hk_pool_push_slab(hk_slab_t *s) {
  uint32_t id = hk_slab_id(s);
  hk_pool_push(&hk_pool_slabs, id, id, 1, hk_pool_slab_link);
}

static void hk_pool_push_chunk(hk_chunk_t *ch) {
  uint32_t id = hk_pool_chunk_id(ch);
  hk_pool_push(&hk_pool_chunks, id, id, 1, hk_pool_chunk_link);
}

/* 31 slabs in one CAS. */
static void hk_pool_push_cut(hk_chunk_t *ch) {
  hk_pool_push(&hk_pool_slabs, hk_slab_id(&ch->slabs[1]), hk_slab_id(&ch->slabs[HK_SLABS_PER_CHUNK - 1]),
               HK_SLABS_PER_CHUNK - 1, hk_pool_slab_link);
}

static void hk_sharedpool_init(void) {}
/* No locks: a fork in the middle of a CAS loop leaves the stacks consistent. */
static void hk_sharedpool_lock_all(void) {}
static void hk_sharedpool_unlock_all(void) {}
static void hk_sharedpool_reset_locks(void) {}

static int hk_sharedpool_probe(const char *name, int64_t arg, int64_t *out) {
  (void)arg;
  if (!strcmp(name, "empty_slabs")) { *out = __atomic_load_n(&hk_pool_slabs.count, __ATOMIC_RELAXED); return 0; }
  if (!strcmp(name, "empty_chunks")) { *out = __atomic_load_n(&hk_pool_chunks.count, __ATOMIC_RELAXED); return 0; }
  return -1;
}
