/* refill/common — what every refill box shares: slabs as the heap's per-class stock. A refill
 * takes up to `want` blocks from one slab (its free list first, then fresh memory by bump
 * pointer: the links are the only writes, nothing is zeroed). An exhausted slab is set aside
 * as full and the next comes from the heap's partial list, else the shared pool. Blocks come
 * back one by one (drain, the remote slot's collect, thread exit); a slab that becomes empty and is not the
 * current one is kept as the class's spare (keepSpare), so a working set that empties and
 * refills a slab does not bounce it through the pool, whose pages may have gone back to the
 * OS; the spare it replaces goes back to the pool. A box decides only how many blocks move. The contract is hk_refill_slabs.h. */

#include "hk_refill_slabs.h"

/* The per-class count of blocks out of h's slabs moves by d (h's lock is held). */
static inline void hk_stock_out_add(hk_heap_t *h, uint32_t cls, int64_t d) {
  int64_t *o = &hk_stock(h)->out[cls];
  __atomic_store_n(o, *o + d, __ATOMIC_RELAXED);
}

static int64_t hk_refill_out(const hk_heap_t *h, uint32_t cls) {
  return __atomic_load_n(&hk_stock_const(h)->out[cls], __ATOMIC_RELAXED);
}

/* A per-thread xorshift64 for shuffle (seeded from the OS at a thread's first shuffle). */
static __thread uint64_t hk_refill_rng;

static uint32_t hk_refill_random(uint32_t n) {
  uint64_t x = hk_refill_rng;
  if (HK_UNLIKELY(!x)) x = hk_os_random() | 1;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  hk_refill_rng = x;
  return (uint32_t)(((x >> 32) * n) >> 32);
}

/* The chain head of k blocks, relinked in a random order window by window (64 blocks at a time,
 * Fisher-Yates): a refill's blocks no longer come out in address or free order. */
static void *hk_chain_shuffle(void *head, uint32_t k) {
  void *win[64], *first = NULL, *last = NULL;
  while (k) {
    uint32_t m = k < 64 ? k : 64;
    for (uint32_t i = 0; i < m; i++, head = hk_link_load(head)) win[i] = head; /* read before relinking */
    for (uint32_t i = m - 1; i > 0; i--) {
      uint32_t j = hk_refill_random(i + 1);
      void *t = win[i];
      win[i] = win[j];
      win[j] = t;
    }
    for (uint32_t i = 0; i + 1 < m; i++) hk_link_store(win[i], win[i + 1]);
    hk_link_store(win[m - 1], NULL);
    if (last) hk_link_store(last, win[0]);
    else first = win[0];
    last = win[m - 1];
    k -= m;
  }
  return first;
}

/* Up to n blocks of s as a NULL-terminated chain; returns how many. */
static uint32_t hk_slab_take(hk_slab_t *s, uint32_t n, void **head) {
  uint32_t k = 0;
  if (s->free) {
    void *first = s->free;
    if (s->free_count <= n) {
      k = s->free_count;
      s->free = NULL;
    } else {
      void *last = first;
      for (k = 1; k < n; k++) last = hk_link_load(last);
      s->free = hk_link_load(last);
      hk_link_store(last, NULL);
    }
    s->free_count -= k;
    *head = first;
  } else if (s->bump < hk_slab_end(s)) {
    uint32_t size = s->block_size, left = (hk_slab_end(s) - s->bump) / size;
    k = left < n ? left : n;
    uint8_t *first = hk_slab_addr(s, s->bump), *b = first;
    for (uint32_t i = 0; i + 1 < k; i++, b += size) hk_link_store(b, b + size);
    hk_link_store(b, NULL);
    *head = first;
    s->bump += k * size;
  }
  if (HK_CFG_REFILL_SHUFFLE && k > 1) *head = hk_chain_shuffle(*head, k);
  s->used += k;
  HK_ASSERT(k <= n && s->used <= s->span / s->block_size);
  return k;
}

static void hk_partial_push(hk_heap_t *h, hk_slab_t *s) {
  HK_ASSERT(s->where == HK_SLAB_FULL && s->used > 0);
  hk_slab_t *first = hk_stock(h)->partial[s->cls];
  s->prev = 0;
  s->next = hk_slab_link(first);
  if (first) first->prev = hk_slab_id(s);
  hk_stock(h)->partial[s->cls] = s;
  s->where = HK_SLAB_PARTIAL;
}

static void hk_partial_unlink(hk_heap_t *h, hk_slab_t *s) {
  HK_ASSERT(s->where == HK_SLAB_PARTIAL);
  if (s->prev) hk_slab_from_id(s->prev)->next = s->next;
  else hk_stock(h)->partial[s->cls] = hk_slab_at(s->next);
  if (s->next) hk_slab_from_id(s->next)->prev = s->prev;
  s->next = s->prev = 0;
  s->where = HK_SLAB_NONE;
}

static void hk_slab_release(hk_slab_t *s) {
  s->where = HK_SLAB_NONE;
  hk_block_slab_leaves(s);
  if (s->cls < HK_SMALL_CLASSES) hk_pool_give_slab(s);
  else hk_pool_give_chunk(hk_chunk_of_slab(s));
}

/* s just became empty and is in no list: keep it as the spare, or give it back. */
static void hk_slab_retire(hk_heap_t *h, hk_slab_t *s) {
  HK_ASSERT(s->used == 0 && s->free_count + (hk_slab_end(s) - s->bump) / s->block_size == s->span / s->block_size);
  if (!HK_CFG_REFILL_KEEP_SPARE) {
    hk_slab_release(s);
    return;
  }
  hk_slab_t *old = hk_stock(h)->spare[s->cls];
  hk_stock(h)->spare[s->cls] = s;
  s->where = HK_SLAB_SPARE;
  if (old) hk_slab_release(old);
}

/* The current slab of cls is exhausted: set it aside and install the next one. */
static hk_slab_t *hk_refill_next_slab(hk_heap_t *h, uint32_t cls) {
  hk_slab_t *s = hk_stock(h)->current[cls];
  if (s) s->where = HK_SLAB_FULL;
  hk_stock(h)->current[cls] = NULL;
  s = hk_stock(h)->partial[cls];
  if (s) {
    hk_partial_unlink(h, s);
  } else if ((s = hk_stock(h)->spare[cls]) != NULL) {
    hk_stock(h)->spare[cls] = NULL;
  } else if (cls < HK_SMALL_CLASSES) {
    s = hk_pool_take_slab();
    if (!s) return NULL;
    hk_slab_assign(s, h, cls);
  } else {
    hk_chunk_t *ch = hk_pool_take_chunk(cls);
    if (!ch) return NULL;
    hk_chunk_format_whole(ch);
    s = &ch->slabs[0];
    hk_slab_assign(s, h, cls);
  }
  HK_ASSERT(hk_slab_owner(s) == h && s->cls == cls);
  if (s->bump == s->start) hk_track_unused(hk_slab_addr(s, s->start), s->span); /* none carved yet */
  s->where = HK_SLAB_CURRENT;
  hk_stock(h)->current[cls] = s;
  return s;
}

/* One block back to its slab; h owns the slab. */
static void hk_refill_put(hk_heap_t *h, void *p) {
  hk_slab_t *s = hk_slab_primary(hk_slab_of(hk_chunk_of((uintptr_t)p), (uintptr_t)p));
  HK_ASSERT(__atomic_load_n(&s->owner, __ATOMIC_RELAXED) == h && s->used > 0);
  hk_stock_out_add(h, s->cls, -1);
  hk_block_home(p);
  hk_link_store(p, s->free);
  s->free = p;
  s->free_count++;
  s->used--;
  if (s->where == HK_SLAB_FULL) {
    if (s->used == 0) hk_slab_retire(h, s);
    else hk_partial_push(h, s);
  } else if (s->where == HK_SLAB_PARTIAL && s->used == 0) {
    hk_partial_unlink(h, s);
    hk_slab_retire(h, s);
  }
}

static void hk_refill_put_chain(hk_heap_t *h, void *b) {
  while (b) {
    void *next = hk_link_load(b);
    hk_refill_put(h, b);
    b = next;
  }
}

/* Onto the owner's front while its class has room below the limit (a push that reached it
 * would ask for a drain), so the block the collect just read is the next one handed out
 * rather than cooling on its slab's list: mstress (threads freeing each other's blocks) ran
 * 1.11x faster than with every returned block back on its slab. Shuffle keeps the returned
 * blocks on their slabs: its refills hand blocks out in a random order, these come in the
 * order other threads freed them. collectToFront false (runtime: HAKMEM_REFILL_COLLECT_TO_FRONT)
 * puts every one back on its slab. */
static void hk_refill_put_returned(hk_heap_t *h, void *p, int owner) {
  if (owner && HK_CFG_REFILL_COLLECT_TO_FRONT && !HK_CFG_REFILL_SHUFFLE) {
    uint32_t cls = hk_slab_of(hk_chunk_of((uintptr_t)p), (uintptr_t)p)->cls;
    if (hk_front_count(cls) + 1 < hk_front_capacity(cls)) {
      hk_block_home(p);
      hk_front_push(cls, p);
      hk_stats_count(HAKMEM_EV_REFILL_BLOCKS, cls, 1);
      return;
    }
  }
  hk_refill_put(h, p);
}

static void hk_refill_trim(hk_heap_t *h) {
  hk_core_remote_collect(h, 0);
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) {
    hk_slab_t *s = hk_stock(h)->current[c];
    if (s && s->used == 0) {
      hk_stock(h)->current[c] = NULL;
      hk_slab_release(s);
    }
    if ((s = hk_stock(h)->spare[c]) != NULL) {
      hk_stock(h)->spare[c] = NULL;
      hk_slab_release(s);
    }
  }
}

static void hk_refill_flush(hk_heap_t *h) {
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) {
    void *chain;
    while (hk_front_take(c, UINT32_MAX, &chain)) hk_refill_put_chain(h, chain);
  }
  hk_refill_trim(h);
}

/* The front of cls missed: move up to want blocks from the heap's slabs into it and return
 * one of them (NULL on OOM). */
static void *hk_refill_from_slabs(hk_heap_t *h, uint32_t cls, uint32_t want) {
  if (hk_core_remote_pending(h)) {
    hk_core_remote_collect(h, 1);
    void *b = hk_front_pop(cls);
    if (b) return b;
  }
  uint32_t got = 0;
  void *chain = NULL;
  hk_slab_t *s = hk_stock(h)->current[cls];
  if (s) got = hk_slab_take(s, want, &chain);
  while (!got) {
    s = hk_refill_next_slab(h, cls);
    if (!s) return NULL;
    got = hk_slab_take(s, want, &chain);
  }
  hk_stats_count(HAKMEM_EV_REFILL_BLOCKS, cls, got);
  HK_ASSERT(got <= want && hk_front_count(cls) == 0);
  hk_stock_out_add(h, cls, got);
  void *b = chain;
  if (got > 1) hk_front_fill(cls, hk_link_load(b), got - 1);
  return b;
}

/* The front of cls is at its limit: give half of it back to the slabs. errno is kept. */
static void hk_refill_drain_half(hk_heap_t *h, uint32_t cls) {
  int saved = errno;
  uint32_t n = hk_front_capacity(cls) / 2;
  void *chain;
  uint32_t k = hk_front_take(cls, n ? n : 1, &chain);
  hk_refill_put_chain(h, chain);
  hk_stats_count(HAKMEM_EV_DRAIN, cls, 1);
  hk_stats_count(HAKMEM_EV_DRAIN_BLOCKS, cls, k);
  errno = saved;
}

/* Does slab s, which h holds in list `where` for class cls, keep its counts? Every block is
 * in exactly one place: on the free list (free_count, each link inside [start, bump) on a
 * block boundary), still to be carved (end - bump), or out (used). The walk stops at the
 * first bad link, before following it. */
static int hk_slab_check(const hk_heap_t *h, const hk_slab_t *s, uint32_t cls, uint8_t where) {
  if (__atomic_load_n(&s->owner, __ATOMIC_RELAXED) != h || s->cls != cls || s->where != where) return 1;
  uint32_t size = s->block_size, start = s->start;
  if (size != hk_class_stride[cls] || s->divm != hk_class_divm[cls] || s->bump < start || s->bump > hk_slab_end(s) ||
      (s->bump - start) % size)
    return 1;
  if ((uint64_t)s->used + s->free_count + (hk_slab_end(s) - s->bump) / size != s->span / size) return 1;
  uint32_t n = 0;
  for (const uint8_t *b = s->free; b; b = hk_link_load(b)) {
    uintptr_t off = (uintptr_t)b - (uintptr_t)hk_chunk_of_slab(s);
    if (++n > s->free_count || off < start || off >= s->bump || (off - start) % size) return 1;
  }
  return n != s->free_count;
}

/* Inconsistent slabs in h's lists (0: whole). The caller keeps h still: its lock, or a fork
 * child before any other thread runs. */
static int64_t hk_refill_check(const hk_heap_t *h) {
  const hk_stock_t *st = hk_stock_const(h);
  int64_t bad = 0;
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) {
    const hk_slab_t *s = st->current[c], *prev = NULL;
    if (s) bad += hk_slab_check(h, s, c, HK_SLAB_CURRENT);
    if ((s = st->spare[c]) != NULL) bad += hk_slab_check(h, s, c, HK_SLAB_SPARE) || s->used != 0;
    uint32_t n = 0;
    for (s = st->partial[c]; s; prev = s, s = hk_slab_at(s->next)) {
      if (s->prev != hk_slab_link(prev) || ++n > (1u << 24)) {
        bad++;
        break;
      }
      bad += hk_slab_check(h, s, c, HK_SLAB_PARTIAL);
    }
  }
  return bad;
}
