/* sharedpool/common (base `rest`) — what every sharedpool box shares: where a slab or chunk comes from when
 * a heap needs one, and what happens to one that comes to rest. A box adds only its four
 * lists. The contract is hk_sharedpool_rest.h.
 *
 * Resting slabs and chunks are either resident (their pages still in memory, stamped with
 * the time they came to rest) or cold (pages given back). A heap takes resident before cold,
 * slabs before chunks: a resident slab, a resident chunk cut into slabs, a cold slab, a cold
 * chunk, what exited threads left, a new chunk (whose untouched pages are listed resident
 * within the purge slot's capacity, cold past it: either way no madvise is needed). What comes to rest stays resident when the purge slot keeps
 * it (hk_purge_keep); otherwise its pages go back before it is listed, never after, since
 * another thread may take it at once. hk_pool_purge moves resident ones stamped before a time
 * to the cold lists, giving their pages back, oldest first.
 *
 * A resident whole chunk that comes to rest is parked by the class it served (two per class
 * above 8 KiB), and a heap that needs a chunk for that class takes it back first: its blocks
 * then lie where that class's blocks lay, on pages already touched. From the common list, a
 * chunk served one class after another and kept the pages of every layout it had resident:
 * mstress (2 threads, 1 block in 100 of 1-256 KiB) held 33 MiB resident in whole chunks for
 * 5 MiB of such blocks. Parked chunks count as resident resting memory and go back on the
 * same delay; a heap that finds no chunk anywhere else takes another class's before mapping. */

#include "hk_sharedpool_rest.h"

static hk_chunk_t *hk_pool_chunk_from_id(uint32_t id) { return (hk_chunk_t *)((uintptr_t)id << HK_CHUNK_SHIFT); }
static uint32_t hk_pool_chunk_id(const hk_chunk_t *ch) { return (uint32_t)((uintptr_t)ch >> HK_CHUNK_SHIFT); }

/* A list's link word (atomic: a thread that read a stale head may load it at any time). */
static uint32_t *hk_pool_link(int list, uint32_t id) {
  return list < HK_POOL_CHUNKS ? &hk_slab_from_id(id)->pool_next : &hk_pool_chunk_from_id(id)->pool_next;
}
static uint32_t hk_pool_next(int list, uint32_t id) {
  return __atomic_load_n(hk_pool_link(list, id), __ATOMIC_RELAXED);
}
static void hk_pool_set_next(int list, uint32_t id, uint32_t next) {
  __atomic_store_n(hk_pool_link(list, id), next, __ATOMIC_RELAXED);
}

/* Parked chunks by class (chunk ids; 0: none), taken and given by exchange, so no reader
 * follows a link; the count may lag a park or an unpark for a moment. */
enum { HK_POOL_PARK_WAYS = 2 }; /* chunks parked per class: one per heap of a two-thread program */
static uint32_t hk_pool_parked[HK_NUM_CLASSES * HK_POOL_PARK_WAYS];
static uint64_t hk_pool_parked_since[HK_NUM_CLASSES * HK_POOL_PARK_WAYS]; /* the stamp of the last one parked */
static int64_t hk_pool_parked_count;

static int64_t hk_pool_parked_chunks(void) {
  int64_t n = __atomic_load_n(&hk_pool_parked_count, __ATOMIC_RELAXED);
  return n > 0 ? n : 0;
}

/* Resting slabs whose pages are resident, a chunk counting as 32. */
static int64_t hk_pool_resident_slabs(void) {
  return hk_pool_count(HK_POOL_SLABS) + HK_SLABS_PER_CHUNK * (hk_pool_count(HK_POOL_CHUNKS) + hk_pool_parked_chunks());
}

/* A chunk parked in slot i, taken (0: none). */
static uint32_t hk_pool_unpark_slot(uint32_t i) {
  if (!__atomic_load_n(&hk_pool_parked[i], __ATOMIC_RELAXED)) return 0;
  uint32_t id = __atomic_exchange_n(&hk_pool_parked[i], 0, __ATOMIC_ACQ_REL);
  if (id) __atomic_fetch_sub(&hk_pool_parked_count, 1, __ATOMIC_RELAXED);
  return id;
}

/* A chunk parked for cls, taken (0: none). */
static uint32_t hk_pool_unpark(uint32_t cls) {
  uint32_t id = 0;
  for (uint32_t w = 0; w < HK_POOL_PARK_WAYS && !id; w++) id = hk_pool_unpark_slot(cls * HK_POOL_PARK_WAYS + w);
  return id;
}

/* Any parked chunk (the last resort before mapping). */
static uint32_t hk_pool_unpark_any(void) {
  if (!hk_pool_parked_chunks()) return 0;
  for (uint32_t c = HK_SMALL_CLASSES; c < HK_NUM_CLASSES; c++) {
    uint32_t id = hk_pool_unpark(c);
    if (id) return id;
  }
  return 0;
}

/* Park chunk id for cls; returns the chunk it displaced (every way full: the first), or 0. */
static uint32_t hk_pool_park(uint32_t cls, uint32_t id, uint64_t stamp) {
  uint32_t i = cls * HK_POOL_PARK_WAYS;
  for (uint32_t w = 0; w < HK_POOL_PARK_WAYS; w++) {
    uint32_t none = 0;
    if (__atomic_load_n(&hk_pool_parked[i + w], __ATOMIC_RELAXED)) continue;
    __atomic_store_n(&hk_pool_parked_since[i + w], stamp, __ATOMIC_RELAXED);
    if (__atomic_compare_exchange_n(&hk_pool_parked[i + w], &none, id, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
      __atomic_fetch_add(&hk_pool_parked_count, 1, __ATOMIC_RELAXED);
      return 0;
    }
  }
  __atomic_store_n(&hk_pool_parked_since[i], stamp, __ATOMIC_RELAXED);
  id = __atomic_exchange_n(&hk_pool_parked[i], id, __ATOMIC_ACQ_REL);
  if (!id) __atomic_fetch_add(&hk_pool_parked_count, 1, __ATOMIC_RELAXED);
  return id;
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

/* Lists in hand: purges and releases that took a list off the pool (hk_pool_take_all) and
 * have not listed all of it again. A heap whose mapping failed waits for them (hk_pool_settle)
 * and looks again, whether it waited or not (a pass may have listed them between its look and
 * its mapping): a background pass preempted with the resting slabs in hand made every refill
 * of that moment map, and under an address-space limit fail (oom.c small, six runs at once on
 * two cores: five got back a sixth to two thirds of their first round). */
static uint32_t hk_pool_in_hand;
static void hk_pool_hand(int d) { __atomic_fetch_add(&hk_pool_in_hand, (uint32_t)d, __ATOMIC_ACQ_REL); }

/* Waits, at most a second, until nothing is in hand. Bounded: a signal handler's malloc may
 * interrupt its own thread's purge, and a fork child inherits the count of threads it does not
 * have (hk_pool_rest_fork_child clears it). */
static HK_COLD void hk_pool_settle(void) {
  if (!__atomic_load_n(&hk_pool_in_hand, __ATOMIC_ACQUIRE)) return;
  uint64_t until = hk_clock_ms() + 1000;
  while (__atomic_load_n(&hk_pool_in_hand, __ATOMIC_ACQUIRE) && hk_clock_ms() < until) {
    struct timespec ts = { 0, 100000 };
    nanosleep(&ts, NULL);
  }
}

static void hk_pool_rest_fork_child(void) { __atomic_store_n(&hk_pool_in_hand, 0, __ATOMIC_RELAXED); }

/* The OS refused a new chunk (the caller waited for lists in hand and looked again): what rests
 * idle goes back (whole chunks, cached large mappings) and the mapping is tried once more. The
 * caller is a refill (its heap locked). */
static hk_chunk_t *hk_pool_map_pressed(void) {
  hk_pressure(1);
  return hk_superslab_chunk_new();
}

/* A slab for a heap: a free slab, resident then cold, before a whole chunk is split, so whole
 * chunks stay whole for the classes above 8 KiB (split first, under a short purge delay that
 * leaves most free slabs cold, they made those classes map new chunks round after round while
 * cold slabs waited: thread_reuse's address space crept by half in 30 rounds). */
static hk_slab_t *hk_pool_take_rested_slab(void) {
  for (int round = 0; round < 2; round++) {
    uint32_t id;
    if ((id = hk_pool_pop(HK_POOL_SLABS)) != 0) return hk_slab_from_id(id);
    if ((id = hk_pool_pop(HK_POOL_SLABS_COLD)) != 0) return hk_slab_from_id(id);
    if ((id = hk_pool_pop(HK_POOL_CHUNKS)) != 0) return hk_pool_split(hk_pool_chunk_from_id(id), 0);
    if ((id = hk_pool_pop(HK_POOL_CHUNKS_COLD)) != 0) return hk_pool_split(hk_pool_chunk_from_id(id), 1);
    if (round == 0) hk_orphans_reclaim(); /* takes the heaps lock: never under a pool lock */
  }
  uint32_t parked = hk_pool_unpark_any();
  return parked ? hk_pool_split(hk_pool_chunk_from_id(parked), 0) : NULL;
}

static hk_slab_t *hk_pool_take_slab(void) {
  hk_purge_tick();
  hk_slab_t *s = hk_pool_take_rested_slab();
  if (s) return s;
  hk_chunk_t *ch = hk_superslab_chunk_new();
  if (!ch) {
    hk_pool_settle();
    if ((s = hk_pool_take_rested_slab())) return s;
    if (!(ch = hk_pool_map_pressed())) return NULL;
  }
  ch->idle_since = hk_purge_stamp();
  /* its untouched pages are resident only in name: past the purge slot's capacity they are
   * listed cold, with no madvise, so they count against no keep rule */
  return hk_pool_split(ch, !hk_purge_keep(hk_pool_resident_slabs() + HK_SLABS_PER_CHUNK - 1));
}

/* A whole chunk for class cls (HK_NUM_CLASSES and up: a large block's): parked for cls first. */
static uint32_t hk_pool_take_rested_chunk(uint32_t cls) {
  uint32_t id = cls < HK_NUM_CLASSES ? hk_pool_unpark(cls) : 0;
  if (!id) id = hk_pool_pop(HK_POOL_CHUNKS);
  if (!id) id = hk_pool_pop(HK_POOL_CHUNKS_COLD);
  if (!id) {
    hk_orphans_reclaim();
    if (!(id = hk_pool_pop(HK_POOL_CHUNKS))) id = hk_pool_pop(HK_POOL_CHUNKS_COLD);
  }
  if (!id) id = hk_pool_unpark_any();
  return id;
}

static hk_chunk_t *hk_pool_take_chunk(uint32_t cls) {
  hk_purge_tick();
  uint32_t id = hk_pool_take_rested_chunk(cls);
  if (id) return hk_pool_chunk_from_id(id);
  hk_chunk_t *ch = hk_superslab_chunk_new();
  if (ch) return ch;
  hk_pool_settle();
  if ((id = hk_pool_take_rested_chunk(cls))) return hk_pool_chunk_from_id(id);
  return hk_pool_map_pressed();
}

/* A resting slab's or chunk's pages back to the OS (the header page stays); returns the bytes. */
static size_t hk_pool_decommit_slab(hk_slab_t *s) {
  uint32_t start = hk_slab_start_off(s);
  hk_os_decommit(hk_slab_addr(s, start), hk_slab_limit_off(s) - start);
  s->decommitted = 1;
  return hk_slab_limit_off(s) - start;
}
static size_t hk_pool_decommit_chunk(hk_chunk_t *ch) {
  hk_os_decommit((uint8_t *)ch + HK_CHUNK_HEADER, HK_CHUNK_SIZE - HK_CHUNK_HEADER);
  return HK_CHUNK_SIZE - HK_CHUNK_HEADER;
}

static void hk_pool_give_slab(hk_slab_t *s) {
  HK_ASSERT(s->used == 0 && s->where == HK_SLAB_NONE);
  __atomic_store_n(&s->owner, HK_OWNER_POOL, __ATOMIC_RELEASE);
  if (!s->decommitted && !hk_purge_keep(hk_pool_resident_slabs())) hk_pool_decommit_slab(s);
  s->idle_since = hk_purge_stamp();
  uint32_t id = hk_slab_id(s);
  hk_pool_push(s->decommitted ? HK_POOL_SLABS_COLD : HK_POOL_SLABS, id, id, 1);
  hk_purge_tick();
}

static void hk_pool_give_chunk(hk_chunk_t *ch) {
  hk_chunk_set_owner(ch, HK_OWNER_POOL);
  int cold = !hk_purge_keep(hk_pool_resident_slabs() + HK_SLABS_PER_CHUNK - 1);
  if (cold) hk_pool_decommit_chunk(ch);
  ch->idle_since = hk_purge_stamp();
  uint32_t id = hk_pool_chunk_id(ch), cls = ch->slabs[0].cls;
  if (!cold && ch->kind == HK_CHUNK_WHOLE && cls >= HK_SMALL_CLASSES && cls < HK_NUM_CLASSES)
    id = hk_pool_park(cls, id, ch->idle_since); /* the one it displaced goes on */
  if (id) hk_pool_push(cold ? HK_POOL_CHUNKS_COLD : HK_POOL_CHUNKS, id, id, 1);
  hk_purge_tick();
}

/* Parked chunks stamped before `before` join the resident list, whose purge follows. The
 * stamp is read beside the slot, not from the chunk, which a heap may take (and the pool
 * unmap) meanwhile; a stamp and an id that do not match, or a chunk taken and parked again
 * between the load and the CAS, only move a chunk to the list sooner or later. */
static void hk_pool_unpark_old(uint64_t before) {
  if (!hk_pool_parked_chunks()) return;
  for (uint32_t c = HK_SMALL_CLASSES * HK_POOL_PARK_WAYS; c < HK_NUM_CLASSES * HK_POOL_PARK_WAYS; c++) {
    uint32_t id = __atomic_load_n(&hk_pool_parked[c], __ATOMIC_ACQUIRE);
    if (!id || __atomic_load_n(&hk_pool_parked_since[c], __ATOMIC_RELAXED) >= before) continue;
    if (!__atomic_compare_exchange_n(&hk_pool_parked[c], &id, 0, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) continue;
    __atomic_fetch_sub(&hk_pool_parked_count, 1, __ATOMIC_RELAXED);
    hk_pool_push(HK_POOL_CHUNKS, id, id, 1);
  }
}

static uint64_t hk_pool_stamp_of(int list, uint32_t id) {
  return list == HK_POOL_SLABS ? hk_slab_from_id(id)->idle_since : hk_pool_chunk_from_id(id)->idle_since;
}

/* A chain being built from ids the caller holds, in the order they are added. */
typedef struct {
  uint32_t first, last;
  int64_t n;
} hk_pool_chain_t;

static void hk_pool_chain_add(int list, hk_pool_chain_t *c, uint32_t id) {
  if (c->last) hk_pool_set_next(list, c->last, id);
  else c->first = id;
  c->last = id;
  c->n++;
}

/* Give back the pages of one resident list's members stamped before `before`; returns bytes. */
static size_t hk_pool_purge_list(int list, uint64_t before) {
  hk_pool_chain_t keep = { 0, 0, 0 }, old = { 0, 0, 0 };
  hk_pool_hand(1);
  /* the taken chain is ours alone: split it, each part in its order */
  for (uint32_t id = hk_pool_take_all(list), next; id; id = next) {
    next = hk_pool_next(list, id);
    hk_pool_chain_add(list, hk_pool_stamp_of(list, id) < before ? &old : &keep, id);
  }
  if (keep.n) hk_pool_push(list, keep.first, keep.last, keep.n); /* back first: others may want them */
  size_t bytes = 0;
  for (uint32_t id = old.first; id; id = id == old.last ? 0 : hk_pool_next(list, id))
    bytes += list == HK_POOL_SLABS ? hk_pool_decommit_slab(hk_slab_from_id(id))
                                   : hk_pool_decommit_chunk(hk_pool_chunk_from_id(id));
  if (old.n) hk_pool_push(list + 1, old.first, old.last, old.n); /* the cold list follows its resident one */
  hk_pool_hand(-1);
  return bytes;
}

/* Chunks go back whole: the cold chunks, and every chunk whose 32 slabs all rest cold, are
 * unmapped, so address space returns (a big block can be mapped where small ones were).
 * One thread at a time (others skip: the next pass will do it). Both cold lists are taken
 * whole; their slabs are tallied per chunk in the chunk's header (ours: every slab of a
 * chunk we tally rests in our chain, or else no tally reaches 32); the chunks that are
 * complete come out, the rest goes back. A chunk is unmapped only after hk_pool_quiesce:
 * a pop that read one of its ids as a stale head may still read its link. Returns chunks. */
static int hk_pool_releasing;

static size_t hk_pool_release(void) {
  if (!hk_pool_count(HK_POOL_CHUNKS_COLD) && hk_pool_count(HK_POOL_SLABS_COLD) < HK_SLABS_PER_CHUNK) return 0;
  if (__atomic_exchange_n(&hk_pool_releasing, 1, __ATOMIC_ACQUIRE)) return 0;
  hk_pool_hand(1);
  hk_pool_chain_t whole = { 0, 0, 0 }, rest = { 0, 0, 0 };
  uint32_t slabs = hk_pool_take_all(HK_POOL_SLABS_COLD), id, next;
  for (id = slabs; id; id = hk_pool_next(HK_POOL_SLABS, id)) hk_chunk_of_slab(hk_slab_from_id(id))->tally = 0;
  for (id = slabs; id; id = hk_pool_next(HK_POOL_SLABS, id)) hk_chunk_of_slab(hk_slab_from_id(id))->tally++;
  for (id = slabs; id; id = next) {
    next = hk_pool_next(HK_POOL_SLABS, id);
    hk_chunk_t *ch = hk_chunk_of_slab(hk_slab_from_id(id));
    if (ch->tally < HK_SLABS_PER_CHUNK) hk_pool_chain_add(HK_POOL_SLABS, &rest, id);
    else if (ch->tally == HK_SLABS_PER_CHUNK) { /* its first slab seen: the chunk goes, once */
      ch->tally = HK_SLABS_PER_CHUNK + 1;
      hk_pool_chain_add(HK_POOL_CHUNKS, &whole, hk_pool_chunk_id(ch));
    }
  }
  if (rest.n) hk_pool_push(HK_POOL_SLABS_COLD, rest.first, rest.last, rest.n);
  for (id = hk_pool_take_all(HK_POOL_CHUNKS_COLD); id; id = next) {
    next = hk_pool_next(HK_POOL_CHUNKS, id);
    hk_pool_chain_add(HK_POOL_CHUNKS, &whole, id);
  }
  size_t n = 0;
  if (whole.n && !hk_pool_quiesce()) {
    hk_pool_push(HK_POOL_CHUNKS_COLD, whole.first, whole.last, whole.n); /* whole, cold: as given */
  } else if (whole.n) {
    for (id = whole.first; id; id = next) {
      next = id == whole.last ? 0 : hk_pool_next(HK_POOL_CHUNKS, id);
      hk_superslab_chunk_unmap(hk_pool_chunk_from_id(id));
      n++;
    }
  }
  hk_pool_hand(-1);
  __atomic_store_n(&hk_pool_releasing, 0, __ATOMIC_RELEASE);
  return n;
}

static size_t hk_pool_purge(uint64_t before) {
  if (before == UINT64_MAX) hk_pool_settle(); /* everything (trim, pressure, a limit): with what a pass holds */
  hk_pool_unpark_old(before);
  size_t bytes = hk_pool_purge_list(HK_POOL_SLABS, before) + hk_pool_purge_list(HK_POOL_CHUNKS, before);
  hk_pool_release();
  return bytes;
}
