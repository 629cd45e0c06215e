/* sharedpool/common — what every sharedpool box shares: where a slab or chunk comes from when
 * a heap needs one, and what happens to one that comes to rest. A box adds only its four
 * lists (the functions declared below).
 *
 * Resting slabs and chunks are either resident (their pages still in memory, stamped with
 * the time they came to rest) or cold (pages given back). A heap takes resident before cold,
 * slabs before chunks: a resident slab, a resident chunk cut into slabs, a cold slab, a cold
 * chunk, what exited threads left, a new chunk (whose untouched pages count as resident: a
 * purge of them costs nothing). What comes to rest stays resident when the purge slot keeps
 * it (hk_purge_keep); otherwise its pages go back before it is listed, never after, since
 * another thread may take it at once. hk_pool_purge moves resident ones stamped before a time
 * to the cold lists, giving their pages back, oldest first. */

enum { HK_POOL_SLABS, HK_POOL_SLABS_COLD, HK_POOL_CHUNKS, HK_POOL_CHUNKS_COLD, HK_POOL_LISTS };

static uint32_t hk_pool_pop(int list);            /* an id, or 0 */
/* the chain first..last of n ids, already linked through hk_pool_link (last's link is set) */
static void hk_pool_push(int list, uint32_t first, uint32_t last, int64_t n);
static uint32_t hk_pool_take_all(int list);       /* the whole list as a chain (0: empty) */
static int64_t hk_pool_count(int list);           /* an estimate, read without a lock */

static hk_chunk_t *hk_pool_chunk_from_id(uint32_t id) { return (hk_chunk_t *)((uintptr_t)id << HK_CHUNK_SHIFT); }
static uint32_t hk_pool_chunk_id(const hk_chunk_t *ch) { return (uint32_t)((uintptr_t)ch >> HK_CHUNK_SHIFT); }

/* A list's link word (atomic: a thread that read a stale head may load it at any time). */
static uint32_t *hk_pool_link(int list, uint32_t id) {
  return list < HK_POOL_CHUNKS ? &hk_slab_from_id(id)->pool_next : &hk_pool_chunk_from_id(id)->pool_next;
}
static uint32_t hk_pool_next(int list, uint32_t id) { return __atomic_load_n(hk_pool_link(list, id), __ATOMIC_RELAXED); }
static void hk_pool_set_next(int list, uint32_t id, uint32_t next) {
  __atomic_store_n(hk_pool_link(list, id), next, __ATOMIC_RELAXED);
}

/* Resting slabs whose pages are resident, a chunk counting as 32. */
static int64_t hk_pool_resident_slabs(void) {
  return hk_pool_count(HK_POOL_SLABS) + HK_SLABS_PER_CHUNK * hk_pool_count(HK_POOL_CHUNKS);
}

/* Cut a chunk the caller owns into 32 slabs: keep slab 0, list 1..31 (resident or cold, as
 * the chunk was, with its stamp). */
static hk_slab_t *hk_pool_split(hk_chunk_t *ch, int cold) {
  uint64_t stamp = ch->idle_since;
  hk_chunk_format_slabs(ch);
  for (uint32_t i = 1; i < HK_SLABS_PER_CHUNK; i++) {
    hk_slab_t *s = &ch->slabs[i];
    s->decommitted = (uint8_t)cold;
    s->idle_since = stamp;
    if (i + 1 < HK_SLABS_PER_CHUNK) hk_pool_set_next(HK_POOL_SLABS, hk_slab_id(s), hk_slab_id(s + 1));
  }
  hk_pool_push(cold ? HK_POOL_SLABS_COLD : HK_POOL_SLABS, hk_slab_id(&ch->slabs[1]),
               hk_slab_id(&ch->slabs[HK_SLABS_PER_CHUNK - 1]), HK_SLABS_PER_CHUNK - 1);
  return &ch->slabs[0];
}

static hk_slab_t *hk_pool_take_slab(void) {
  hk_purge_tick();
  for (int round = 0; round < 2; round++) {
    uint32_t id;
    if ((id = hk_pool_pop(HK_POOL_SLABS)) != 0) return hk_slab_from_id(id);
    if ((id = hk_pool_pop(HK_POOL_CHUNKS)) != 0) return hk_pool_split(hk_pool_chunk_from_id(id), 0);
    if ((id = hk_pool_pop(HK_POOL_SLABS_COLD)) != 0) return hk_slab_from_id(id);
    if ((id = hk_pool_pop(HK_POOL_CHUNKS_COLD)) != 0) return hk_pool_split(hk_pool_chunk_from_id(id), 1);
    if (round == 0) hk_orphans_reclaim();   /* takes the heaps lock: never under a pool lock */
  }
  hk_chunk_t *ch = hk_superslab_chunk_new();
  if (!ch) return NULL;
  ch->idle_since = hk_purge_stamp();
  return hk_pool_split(ch, 0);
}

static hk_chunk_t *hk_pool_take_chunk(void) {
  hk_purge_tick();
  uint32_t id = hk_pool_pop(HK_POOL_CHUNKS);
  if (!id) id = hk_pool_pop(HK_POOL_CHUNKS_COLD);
  if (!id) {
    hk_orphans_reclaim();
    if (!(id = hk_pool_pop(HK_POOL_CHUNKS))) id = hk_pool_pop(HK_POOL_CHUNKS_COLD);
  }
  return id ? hk_pool_chunk_from_id(id) : hk_superslab_chunk_new();
}

static void hk_pool_give_slab(hk_slab_t *s) {
  __atomic_store_n(&s->owner, HK_OWNER_POOL, __ATOMIC_RELEASE);
  if (!s->decommitted && !hk_purge_keep(hk_pool_resident_slabs())) {
    uint32_t start = hk_slab_start_off(s);
    hk_os_decommit(hk_slab_addr(s, start), hk_slab_limit_off(s) - start);
    s->decommitted = 1;
  }
  s->idle_since = hk_purge_stamp();
  uint32_t id = hk_slab_id(s);
  hk_pool_push(s->decommitted ? HK_POOL_SLABS_COLD : HK_POOL_SLABS, id, id, 1);
  hk_purge_tick();
}

static void hk_pool_give_chunk(hk_chunk_t *ch) {
  hk_chunk_set_owner(ch, HK_OWNER_POOL);
  int cold = !hk_purge_keep(hk_pool_resident_slabs() + HK_SLABS_PER_CHUNK - 1);
  if (cold) hk_os_decommit((uint8_t *)ch + HK_CHUNK_HEADER, HK_CHUNK_SIZE - HK_CHUNK_HEADER);
  ch->idle_since = hk_purge_stamp();
  uint32_t id = hk_pool_chunk_id(ch);
  hk_pool_push(cold ? HK_POOL_CHUNKS_COLD : HK_POOL_CHUNKS, id, id, 1);
  hk_purge_tick();
}

static uint64_t hk_pool_stamp_of(int list, uint32_t id) {
  return list == HK_POOL_SLABS ? hk_slab_from_id(id)->idle_since : hk_pool_chunk_from_id(id)->idle_since;
}

/* Give back the pages of one resident list's members stamped before `before`; returns bytes. */
static size_t hk_pool_purge_list(int list, uint64_t before) {
  uint32_t id = hk_pool_take_all(list);
  if (!id) return 0;
  uint32_t keep = 0, keep_last = 0, old = 0, old_last = 0;
  int64_t nkeep = 0, nold = 0;
  while (id) {   /* the chain is ours alone: split it, each part in its order */
    uint32_t next = hk_pool_next(list, id);
    if (hk_pool_stamp_of(list, id) < before) {
      if (old_last) hk_pool_set_next(list, old_last, id); else old = id;
      old_last = id;
      nold++;
    } else {
      if (keep_last) hk_pool_set_next(list, keep_last, id); else keep = id;
      keep_last = id;
      nkeep++;
    }
    id = next;
  }
  if (nkeep) hk_pool_push(list, keep, keep_last, nkeep);   /* back first: others may want them */
  if (!nold) return 0;
  size_t bytes = 0;
  for (id = old;; id = hk_pool_next(list, id)) {
    if (list == HK_POOL_SLABS) {
      hk_slab_t *s = hk_slab_from_id(id);
      uint32_t start = hk_slab_start_off(s);
      hk_os_decommit(hk_slab_addr(s, start), hk_slab_limit_off(s) - start);
      s->decommitted = 1;
      bytes += hk_slab_limit_off(s) - start;
    } else {
      hk_os_decommit((uint8_t *)hk_pool_chunk_from_id(id) + HK_CHUNK_HEADER, HK_CHUNK_SIZE - HK_CHUNK_HEADER);
      bytes += HK_CHUNK_SIZE - HK_CHUNK_HEADER;
    }
    if (id == old_last) break;
  }
  hk_pool_push(list + 1, old, old_last, nold);   /* the cold list follows its resident one */
  return bytes;
}

static size_t hk_pool_purge(uint64_t before) {
  return hk_pool_purge_list(HK_POOL_SLABS, before) + hk_pool_purge_list(HK_POOL_CHUNKS, before);
}
