/* sharedpool/common — what every sharedpool box shares: where a slab or chunk comes from when
 * a heap needs one (a resting slab, else a resting chunk cut into slabs, else what exited
 * threads left, else a new chunk), and the policy for pages of what enters the pool (past
 * `retainSlabs` resting slabs, a slab's or chunk's pages go back to the OS before it is
 * listed: never after, since another thread may take it at once). A box adds only its lists:
 * the six functions declared below. */

static hk_slab_t *hk_pool_pop_slab(void);        /* a resting slab, or NULL */
static hk_chunk_t *hk_pool_pop_chunk(void);      /* a resting chunk, or NULL */
static void hk_pool_push_slab(hk_slab_t *s);
static void hk_pool_push_chunk(hk_chunk_t *ch);
static void hk_pool_push_cut(hk_chunk_t *ch);    /* slabs 1..31 of a cut chunk, linked 1 -> 31 */
static int64_t hk_pool_resting_slabs(void);      /* slabs resting, a chunk counting as 32 */

static hk_chunk_t *hk_pool_chunk_from_id(uint32_t id) { return (hk_chunk_t *)((uintptr_t)id << HK_CHUNK_SHIFT); }
static uint32_t hk_pool_chunk_id(const hk_chunk_t *ch) { return (uint32_t)((uintptr_t)ch >> HK_CHUNK_SHIFT); }

/* Cut a chunk the caller owns into 32 slabs: keep slab 0, list 1..31. */
static hk_slab_t *hk_pool_split(hk_chunk_t *ch) {
  hk_chunk_format_slabs(ch);
  for (uint32_t i = 1; i + 1 < HK_SLABS_PER_CHUNK; i++)
    __atomic_store_n(&ch->slabs[i].pool_next, hk_slab_id(&ch->slabs[i + 1]), __ATOMIC_RELAXED);
  hk_pool_push_cut(ch);
  return &ch->slabs[0];
}

static hk_slab_t *hk_pool_take_slab(void) {
  for (int round = 0; round < 2; round++) {
    hk_slab_t *s = hk_pool_pop_slab();
    if (s) return s;
    hk_chunk_t *ch = hk_pool_pop_chunk();
    if (ch) return hk_pool_split(ch);
    if (round == 0) hk_orphans_reclaim();   /* takes the heaps lock: never under a pool lock */
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
  __atomic_store_n(&s->owner, HK_OWNER_POOL, __ATOMIC_RELEASE);
  if (hk_pool_resting_slabs() >= HK_CFG_SHAREDPOOL_RETAIN_SLABS && !s->decommitted) {
    uint32_t start = hk_slab_start_off(s);
    hk_os_decommit(hk_slab_addr(s, start), hk_slab_limit_off(s) - start);
    s->decommitted = 1;
  }
  hk_pool_push_slab(s);
}

static void hk_pool_give_chunk(hk_chunk_t *ch) {
  hk_chunk_set_owner(ch, HK_OWNER_POOL);
  if (hk_pool_resting_slabs() + HK_SLABS_PER_CHUNK > HK_CFG_SHAREDPOOL_RETAIN_SLABS)
    hk_os_decommit((uint8_t *)ch + HK_CHUNK_HEADER, HK_CHUNK_SIZE - HK_CHUNK_HEADER);
  hk_pool_push_chunk(ch);
}
