/* sharedpool/lockfree — two tagged Treiber stacks: empty 64 KiB slabs and empty whole chunks.
 * The head packs a 32-bit tag (ABA guard) and a 32-bit id, so a plain 64-bit CAS suffices.
 * Chunks that feed these stacks are never unmapped, so reading a popped neighbour's link is
 * always safe. Past `retainSlabs` resting slabs, a slab's pages go back to the OS before it is
 * pushed (never after: another thread may take it at once). */

typedef struct {
  _Atomic uint64_t head;              /* (tag << 32) | id */
  _Atomic int64_t  count;
  uint8_t pad[HK_CACHE_LINE - 16];
} hk_pool_stack_t;

static hk_pool_stack_t hk_pool_slabs __attribute__((aligned(HK_CACHE_LINE)));
static hk_pool_stack_t hk_pool_chunks __attribute__((aligned(HK_CACHE_LINE)));

static uint32_t *hk_pool_slab_link(uint32_t id) { return &hk_slab_from_id(id)->pool_next; }
static uint32_t *hk_pool_chunk_link(uint32_t id) {
  return &((hk_chunk_t *)((uintptr_t)id << HK_CHUNK_SHIFT))->pool_next;
}

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

/* Cut a chunk into slabs: keep slab 0, push 1..31 as one chain. */
static hk_slab_t *hk_pool_split(hk_chunk_t *ch) {
  hk_chunk_format_slabs(ch);
  for (uint32_t i = 1; i + 1 < HK_SLABS_PER_CHUNK; i++)
    __atomic_store_n(&ch->slabs[i].pool_next, hk_slab_id(&ch->slabs[i + 1]), __ATOMIC_RELAXED);
  hk_pool_push(&hk_pool_slabs, hk_slab_id(&ch->slabs[1]), hk_slab_id(&ch->slabs[HK_SLABS_PER_CHUNK - 1]),
               HK_SLABS_PER_CHUNK - 1, hk_pool_slab_link);
  return &ch->slabs[0];
}

static hk_chunk_t *hk_pool_pop_chunk(void) {
  uint32_t id = hk_pool_pop(&hk_pool_chunks, hk_pool_chunk_link);
  return id ? (hk_chunk_t *)((uintptr_t)id << HK_CHUNK_SHIFT) : NULL;
}

static hk_slab_t *hk_pool_take_slab(void) {
  for (int round = 0; round < 2; round++) {
    uint32_t id = hk_pool_pop(&hk_pool_slabs, hk_pool_slab_link);
    if (id) return hk_slab_from_id(id);
    hk_chunk_t *ch = hk_pool_pop_chunk();
    if (ch) return hk_pool_split(ch);
    if (round == 0) hk_orphans_reclaim();
  }
  hk_chunk_t *ch = hk_superslab_chunk_new();
  return ch ? hk_pool_split(ch) : NULL;
}

static hk_chunk_t *hk_pool_take_chunk(void) {
  hk_chunk_t *ch = hk_pool_pop_chunk();
  if (ch) return ch;
  hk_orphans_reclaim();
  ch = hk_pool_pop_chunk();
  return ch ? ch : hk_superslab_chunk_new();
}

static void hk_pool_give_slab(hk_slab_t *s) {
  s->owner = HK_OWNER_POOL;
  if (hk_pool_resting_slabs() >= HK_CFG_SHAREDPOOL_RETAIN_SLABS && !s->decommitted) {
    uint32_t start = hk_slab_start_off(s);
    hk_os_decommit(hk_slab_addr(s, start), hk_slab_limit_off(s) - start);
    s->decommitted = 1;
  }
  uint32_t id = hk_slab_id(s);
  hk_pool_push(&hk_pool_slabs, id, id, 1, hk_pool_slab_link);
}

static void hk_pool_give_chunk(hk_chunk_t *ch) {
  ch->slabs[0].owner = HK_OWNER_POOL;
  if (hk_pool_resting_slabs() + HK_SLABS_PER_CHUNK > HK_CFG_SHAREDPOOL_RETAIN_SLABS)
    hk_os_decommit((uint8_t *)ch + HK_CHUNK_HEADER, HK_CHUNK_SIZE - HK_CHUNK_HEADER);
  uint32_t id = (uint32_t)((uintptr_t)ch >> HK_CHUNK_SHIFT);
  hk_pool_push(&hk_pool_chunks, id, id, 1, hk_pool_chunk_link);
}

static void hk_sharedpool_init(void) {}

static int hk_sharedpool_probe(const char *name, int64_t arg, int64_t *out) {
  (void)arg;
  if (!strcmp(name, "empty_slabs")) { *out = __atomic_load_n(&hk_pool_slabs.count, __ATOMIC_RELAXED); return 0; }
  if (!strcmp(name, "empty_chunks")) { *out = __atomic_load_n(&hk_pool_chunks.count, __ATOMIC_RELAXED); return 0; }
  return -1;
}
