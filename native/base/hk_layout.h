/* hk_layout.h — the shared shapes: chunks (2 MiB, aligned), the slabs cut from them, and the
 * per-thread heap that owns slabs. Pointer -> chunk is a mask; chunk -> slab is a shift.
 *
 * Who may touch a shared field, and how (every access in the allocator follows this):
 *  - Published fields are written with __atomic_store_n(RELEASE) and read with
 *    __atomic_load_n: ACQUIRE where the reader goes on to read what was written before them,
 *    RELAXED where it only compares (the free fast path's owner test: a slab that is the
 *    caller's was published by the caller itself). They are a slab's `owner` (in every line
 *    of a one-slab chunk) and the registry bytes. (A plain read would fold into the compare,
 *    one instruction each, but races with earlier writes no free is ordered after: kept
 *    atomic.)
 *  - Routing fields (a slab's cls, block_size, start, span, divm; a chunk's magic, shift, kind and
 *    the large slot's record in `slot_area`) are written plainly, only while no heap owns the slab (in the pool, being
 *    assigned, being mapped) and before `owner` is published; every other thread reads them
 *    only after it read `owner` (or holds a block of the slab, which the program handed over
 *    with its own synchronisation).
 *  - Lock-free links and counters (`remote`, `pool_next`, the pool heads and counts, the
 *    orphan list head) are only accessed atomically.
 *  - Owner-only fields (a slab's free, free_count, used, bump, next, prev, where,
 *    decommitted; a heap's `refill_area`) change only under the heap's `lock`,
 *    which its thread holds for the whole of a refill slow path (refill, drain, thread-exit
 *    flush) and which the reclaimer of an orphan heap holds too. Fork's prepare handler takes
 *    every heap's lock, so a child never inherits a heap in the middle of a change: a child
 *    that adopted a heap a thread was changing (a slab whose free list had advanced but not
 *    its count) is the `lean` fork crash this rule closes. The hit paths (the front's pop and
 *    push) touch only thread-local state and never take it.
 *  - Heap-list fields (`next_all`, `next_orphan`, `state`) change only under hk_heaps_lock.
 *    Introspection (hk_usage.c) walks every heap without any lock: the list head is published
 *    with a release store (a heap's `next_all` never changes after), and `state` is stored and
 *    read there atomically (RELAXED). */
#ifndef HK_LAYOUT_H
#define HK_LAYOUT_H

#define HK_CHUNK_SHIFT     21
#define HK_CHUNK_SIZE      ((size_t)1 << HK_CHUNK_SHIFT)
#define HK_SLAB_SHIFT      16
#define HK_SLAB_SIZE       ((size_t)1 << HK_SLAB_SHIFT)
#define HK_SLABS_PER_CHUNK 32
#define HK_CHUNK_HEADER    4096u /* the header page at the start of every chunk */
/* Then HK_CHUNK_ROOM bytes (generated: the largest chunkRoom a box of the variant asks, 0 for
 * most) of state a box keeps out of its blocks; slab 0's blocks start after both. */
#define HK_CHUNK_META      (HK_CHUNK_HEADER + HK_CHUNK_ROOM)
#define HK_CHUNK_MAGIC     0x6b6d6b68u /* "hkmk" */

enum hk_chunk_kind { HK_CHUNK_SLABS = 1, HK_CHUNK_WHOLE = 2, HK_CHUNK_LARGE = 3 };
enum hk_slab_where { HK_SLAB_NONE = 0, HK_SLAB_CURRENT, HK_SLAB_PARTIAL, HK_SLAB_FULL, HK_SLAB_SPARE };

struct hk_heap;

/* Owners that are not heaps: a slab resting in the shared pool, a large block. Neither equals
 * a thread's heap, so the free fast path sends both to the slow path with one compare. */
#define HK_OWNER_POOL  ((struct hk_heap *)(uintptr_t)1)
#define HK_OWNER_LARGE ((struct hk_heap *)(uintptr_t)2)

/* 64 bytes, so chunk -> slab is a shift. Offsets are from the chunk base (a chunk is 2 MiB). */
typedef struct hk_slab {
  struct hk_heap *owner; /* read by every free: first */
  uint32_t cls;
  uint32_t block_size; /* the class's stride: also the usable size */
  union {
    void *free;          /* owner-only: blocks given back by the owner */
    uint64_t idle_since; /* while resting in the pool: when it came to rest (ms) */
  };
  uint16_t free_count; /* a slab holds at most 4096 blocks (64 KiB of 16 B) */
  uint16_t used;       /* blocks out of the slab (in a front cache or with the user) */
  uint32_t pool_next;  /* shared pool link (a slab id), while the pool holds it: its own
                          word, since a stale pool reader may load it at any time */
  uint32_t bump;       /* offset of the next never-used block */
  uint32_t span;       /* bytes of carvable blocks from start (hk_slab_end: start + span) */
  uint32_t next, prev; /* the owner's partial list, as slab ids (hk_slab_id; 0: none) */
  uint64_t divm;       /* hk_class_divm of cls: free's block-start test reads no table */
  uint32_t start;      /* offset of the first block */
  uint16_t index;      /* slab index in its chunk */
  uint8_t where;       /* enum hk_slab_where */
  uint8_t decommitted; /* pages were given back while in the pool */
} hk_slab_t;

_Static_assert(sizeof(hk_slab_t) == 64, "a slab descriptor is one cache line");

typedef struct hk_chunk {
  hk_slab_t slabs[HK_SLABS_PER_CHUNK]; /* first, so chunk + (index << 6) is the slab: one shift on free */
  uint32_t magic;
  uint32_t shift;        /* slab index = (p - chunk) >> shift: 16, or 21 for one slab */
  uint32_t kind;         /* enum hk_chunk_kind */
  uint32_t pool_next;    /* shared pool link (a chunk id) */
  uint32_t tally;        /* the pool's release: its resting cold slabs (the releaser's alone) */
  uint64_t slot_area[4]; /* the state of the slot that holds a one-slab chunk: the large
                                   slot's record of its mapping (hk_large.h); the core never reads it */
  uint64_t idle_since;   /* while resting in the pool: when it came to rest (ms) */
} hk_chunk_t;

_Static_assert(sizeof(hk_chunk_t) <= HK_CHUNK_HEADER, "chunk header must fit its page");
_Static_assert(HK_CHUNK_ROOM % 4096u == 0 && HK_CHUNK_META + 8256u <= HK_SLAB_SIZE, "slab 0 keeps room for one block");

/* The bytes a box keeps in ch (HK_CHUNK_ROOM of them), right after its header page. */
static inline uint8_t *hk_chunk_room(const hk_chunk_t *ch) { return (uint8_t *)ch + HK_CHUNK_HEADER; }

/* Words of refill_area: room for three slab lists and a counter per class. */
#define HK_REFILL_AREA_WORDS (4 * HK_NUM_CLASSES)

enum hk_heap_state { HK_HEAP_ACTIVE = 1, HK_HEAP_ORPHAN = 2 };

/* Stacks in a heap's remote channel: its whole first cache line (a power of two). xthread's
 * median throughput, 8 interleaved runs: 1 lane 6.6M ops/s, 4 lanes 12.3M, 8 lanes 14.1M. */
#define HK_REMOTE_LANES 8u

/* A thread's heap: the slabs it owns per class and the queue other threads free into.
 * Heaps are never unmapped; a thread that exits leaves its heap to be adopted. */
typedef struct hk_heap {
  /* the remote slot's channel: blocks other threads handed back, in HK_REMOTE_LANES stacks so
   * the owner's walk of them has that many cache misses in flight (remote/common) */
  void *remote[HK_REMOTE_LANES]; /* the whole first line: senders contend on nothing else */
  hk_lock_t lock;                /* held while the slabs below change (see the rule at the top) */
  /* The refill slot's per-heap state, shaped by its box (refill's slabs base: the current,
   * partial and spare slabs of each class, hk_refill_slabs.h); the core never reads it. */
  void *refill_area[HK_REFILL_AREA_WORDS];
  struct hk_heap *next_all;
  struct hk_heap *next_orphan;
  uint32_t state;
} hk_heap_t;

_Static_assert(offsetof(hk_heap_t, lock) == HK_CACHE_LINE, "the remote lanes fill the heap's first line");

static inline hk_chunk_t *hk_chunk_of(uintptr_t a) { return (hk_chunk_t *)(a & ~(uintptr_t)(HK_CHUNK_SIZE - 1)); }
/* The descriptor line for address a: one per 64 KiB of the chunk, with no load. A chunk of
 * one slab (whole, large) mirrors its slab's routing fields (owner, cls, block_size, start,
 * end; index 0) into all 32 lines, so free needs no per-chunk shift and the blocks of
 * different 64 KiB stretches read different cache lines. Anything that changes the slab (the
 * owner's lists and counters) goes through hk_slab_primary. */
static inline hk_slab_t *hk_slab_of(hk_chunk_t *ch, uintptr_t a) {
  return &ch->slabs[(a - (uintptr_t)ch) >> HK_SLAB_SHIFT];
}
/* A slab's owner for a reader that goes on to read its routing fields (see the rule above). */
static inline struct hk_heap *hk_slab_owner(const hk_slab_t *s) { return __atomic_load_n(&s->owner, __ATOMIC_ACQUIRE); }
static inline hk_slab_t *hk_slab_primary(hk_slab_t *s) { return &hk_chunk_of((uintptr_t)s)->slabs[s->index]; }

/* The owner of a one-slab chunk, in every line (release: a reader that sees the owner sees
 * the routing fields written before it). */
static void hk_chunk_set_owner(hk_chunk_t *ch, struct hk_heap *o) {
  for (uint32_t i = 0; i < HK_SLABS_PER_CHUNK; i++) __atomic_store_n(&ch->slabs[i].owner, o, __ATOMIC_RELEASE);
}
static inline hk_chunk_t *hk_chunk_of_slab(const hk_slab_t *s) { return hk_chunk_of((uintptr_t)s); }

/* Ids for lock-free stacks: chunk number (address >> 21, 26 bits on 47-bit user space) and
 * slab index. Zero is "none": chunk 0 covers address 0 and is never ours. */
static inline uint32_t hk_slab_id(const hk_slab_t *s) {
  return (uint32_t)(((uintptr_t)hk_chunk_of_slab(s) >> HK_CHUNK_SHIFT) << 5) | s->index;
}
static inline hk_slab_t *hk_slab_from_id(uint32_t id) {
  hk_chunk_t *ch = (hk_chunk_t *)((uintptr_t)(id >> 5) << HK_CHUNK_SHIFT);
  return &ch->slabs[id & 31u];
}

/* A slab list link (next, prev): a slab id, 0 for none. */
static inline uint32_t hk_slab_link(const hk_slab_t *s) { return s ? hk_slab_id(s) : 0; }
static inline hk_slab_t *hk_slab_at(uint32_t id) { return id ? hk_slab_from_id(id) : NULL; }

/* Cut a chunk into 32 slabs of 64 KiB (slab 0 starts after the header page). */
static void hk_chunk_format_slabs(hk_chunk_t *ch) {
  ch->magic = HK_CHUNK_MAGIC;
  ch->shift = HK_SLAB_SHIFT;
  ch->kind = HK_CHUNK_SLABS;
  for (uint32_t i = 0; i < HK_SLABS_PER_CHUNK; i++) {
    hk_slab_t *s = &ch->slabs[i];
    s->index = (uint16_t)i;
    __atomic_store_n(&s->owner, HK_OWNER_POOL, __ATOMIC_RELEASE);
  }
}

/* Make a chunk one slab (for classes above 8 KiB). */
static void hk_chunk_format_whole(hk_chunk_t *ch) {
  ch->magic = HK_CHUNK_MAGIC;
  ch->shift = HK_CHUNK_SHIFT;
  ch->kind = HK_CHUNK_WHOLE;
  for (uint32_t i = 0; i < HK_SLABS_PER_CHUNK; i++) ch->slabs[i].index = 0;
  hk_chunk_set_owner(ch, HK_OWNER_POOL);
}

/* First and one-past-last byte a slab may carve (slab 0 starts after the header page and the
 * boxes' room). */
static inline uint32_t hk_slab_start_off(const hk_slab_t *s) {
  return s->index ? (uint32_t)s->index << hk_chunk_of_slab(s)->shift : HK_CHUNK_META;
}
static inline uint32_t hk_slab_limit_off(const hk_slab_t *s) {
  return (uint32_t)(s->index + 1) << hk_chunk_of_slab(s)->shift;
}
static inline uint8_t *hk_slab_addr(const hk_slab_t *s, uint32_t off) { return (uint8_t *)hk_chunk_of_slab(s) + off; }

/* Give an empty slab to a heap for one class; no block is touched (carving is lazy). */
static void hk_slab_assign(hk_slab_t *s, hk_heap_t *h, uint32_t cls) {
  HK_ASSERT(hk_slab_owner(s) == HK_OWNER_POOL);
  uint32_t size = hk_class_stride[cls], start = hk_slab_start_off(s);
  s->cls = cls;
  s->block_size = size;
  s->free = NULL;
  s->free_count = 0;
  s->used = 0;
  s->start = start;
  s->bump = start;
  s->span = (hk_slab_limit_off(s) - start) / size * size;
  s->divm = hk_class_divm[cls];
  s->next = s->prev = 0;
  s->where = HK_SLAB_NONE;
  s->decommitted = 0;
  hk_chunk_t *ch = hk_chunk_of_slab(s);
  if (ch->kind == HK_CHUNK_SLABS) {
    __atomic_store_n(&s->owner, h, __ATOMIC_RELEASE);
    return;
  }
  for (uint32_t i = 1; i < HK_SLABS_PER_CHUNK; i++) { /* the mirrors of a whole-chunk slab */
    hk_slab_t *m = &ch->slabs[i];
    m->cls = cls;
    m->block_size = size;
    m->start = start;
    m->span = s->span;
    m->divm = s->divm;
  }
  hk_chunk_set_owner(ch, h); /* after every line's fields */
}

/* Does chunk offset off start a block of s (not the header, not the tail, not inside a
 * block)? One subtract, two compares and one multiply, all on s's own line: on every free.
 * x * divm < divm (mod 2^64) holds exactly for the multiples of the block size (x < 2^21). */
static inline int hk_slab_block_start(const hk_slab_t *s, uint32_t off) {
  uint32_t x = off - s->start;
  uint64_t m = s->divm;
  return x < s->span && (uint64_t)x * m < m;
}
/* One past the last carvable byte of s (a chunk offset). */
static inline uint32_t hk_slab_end(const hk_slab_t *s) { return s->start + s->span; }

#endif
