/* block/hardened — block state out of the block, links that cannot be steered, freed memory
 * cleared, an optional canary. What a program writes into a block (after freeing it, or past
 * the end of a neighbour) can neither make a freed block look live nor a live one look freed,
 * nor send the allocator to an address it did not hand out.
 *
 * State: two bitmaps in the chunk's room (chunkRoom: 32 KiB after the header page), one bit per
 * 16 bytes of the chunk, so block p's bit is at (p & (2 MiB - 1)) >> 4, found by masks and
 * shifts with no division:
 *   live  set while the program holds the block. Only the slab's owner writes it (hand-out, its
 *         own frees, a block coming home under its heap's lock), a word at a time with relaxed
 *         atomic stores; anyone reads it. A block start never handed out has it clear.
 *   pend  set by another thread's free, with an atomic or, so of two threads freeing one block
 *         exactly one wins; cleared (atomic and) when the block comes home to its slab.
 * A block is live iff live && !pend: a double free, a free of a block never handed out, a free
 * after the block was zeroed or overwritten are all seen here, whatever the block holds.
 *
 * Links (word 0 of a free block on a slab's list or in a remote batch): the low 48 bits are the
 * pointer masked with a secret key and the link's own address; the top 16 bits are a keyed tag
 * of the pointer, whose last bit is its parity, so a one-bit flip anywhere is caught, and a
 * forged link passes with chance 2^-15. A decoded link must also be a block start of a live
 * slab of ours whose block is not live. Word 0 is cleared when a block is handed out, so the
 * program never sees an encoded link (nor, through it, the key).
 *
 * zero: `free` clears the block's usable bytes when it is freed (freed data cannot be read back
 * through a stale pointer, and a block comes back zeroed but for word 0, cleared on hand-out);
 * `alloc` clears them when it is handed out; `none` leaves them. Only blocks whose stride is at
 * most zeroMax (4 KiB) are cleared: a 64 KiB block cleared on every free costs mid_large_mt 20
 * times its throughput and faults in pages the program never touched. Word 0 is cleared on
 * hand-out whatever the size. canary: the last 8 bytes of every slab block hold a keyed
 * canary written on hand-out and checked on free: an overflow of the block's usable size
 * aborts at its free.
 *
 * Two threads freeing one block at once, one of them its owner: the owner's free clears live
 * without an atomic operation (none on the local free), so both may pass; the block is then in
 * the owner's cache with pend set, which its hand-out (pend must be clear) or its homecoming
 * (live must be set) finds before it is handed out twice.
 *
 * FAST PATH: on_alloc = the live word's or and store, a test of pend, word 0 cleared (+ the
 * canary store); live = two loads and a test (no block-start division: only block starts ever
 * get a bit) (+ the canary check); retire = the live word's store and the clearing. Every corruption found
 * aborts with what was found and where, whatever onInvalid says; a bad free follows onInvalid
 * (default abort). */

#include "hakmem/hk_block.h"

#define HK_HB_WORDS (HK_CHUNK_SIZE / 16 / 64) /* words of one bitmap: 16 KiB */
#define HK_HB_LOW   0x0000ffffffffffffull     /* the pointer's bits of a link */

_Static_assert(HK_CHUNK_ROOM >= 2 * HK_HB_WORDS * 8, "the chunk room holds both bitmaps");

static uint64_t hk_hb_mask, hk_hb_tag, hk_hb_canary; /* keys, set once at start-up */

static void hk_block_init(void) {
  hk_hb_mask = hk_os_random();
  hk_hb_tag = hk_os_random() | 1;
  hk_hb_canary = hk_os_random();
}

/* The live word of the block at a (any address of a chunk of slabs); pend is HK_HB_WORDS on. */
static inline uint64_t *hk_hb_word(uintptr_t a) {
  return (uint64_t *)(void *)hk_chunk_room(hk_chunk_of(a)) + ((a & (HK_CHUNK_SIZE - 1)) >> 10);
}
static inline uint64_t hk_hb_bit(uintptr_t a) { return 1ull << ((a >> 4) & 63); }
/* The same bit as an index (x86's bt, bts and btr take it masked to 63 for free). */
static inline unsigned hk_hb_idx(uintptr_t a) { return (unsigned)(a >> 4) & 63; }

static inline uint32_t hk_block_tail(void) { return HK_CFG_BLOCK_CANARY ? 8 : 0; }
static inline int hk_block_strict(void) { return 1; }

static HK_COLD __attribute__((noreturn)) void hk_hb_corrupt(const char *what, const void *p) {
  hk_os_fatal(what, p);
  __builtin_unreachable();
}

/* The canary of the block at p, of stride bytes: the last word. */
static inline uint64_t *hk_hb_canary_at(void *p, uint32_t stride) { return (uint64_t *)((uint8_t *)p + stride - 8); }
/* One secret for every block: mixing in the address would add nothing against a program that
 * reads a canary, since it knows the address too. */
static inline uint64_t hk_hb_canary_of(const void *p) {
  (void)p;
  return hk_hb_canary;
}

typedef uint64_t hk_hb_v2 __attribute__((vector_size(16), aligned(16), may_alias));

/* Clear the n bytes of a block (n a multiple of 16: a stride) with 16-byte stores inline: a
 * call to memset would cost the free path its call and the registers it saves around it. */
static inline void hk_hb_clear(void *p, uint32_t n) {
  hk_hb_v2 *v = (hk_hb_v2 *)p, *end = (hk_hb_v2 *)((uint8_t *)p + n), zero = { 0, 0 };
  if (n & 16) *v++ = zero;
  if (n & 32) {
    v[0] = v[1] = zero;
    v += 2;
  }
  while (v < end) {
    __asm__("" : "+r"(v)); /* a loop of stores, not a memset call */
    v[0] = v[1] = v[2] = v[3] = zero;
    v += 4;
  }
}

/* Is a block of this stride small enough to be cleared (zeroMax)? Callers test `zero`. */
static inline int hk_hb_clears(uint32_t stride) { return stride <= (uint32_t)HK_CFG_BLOCK_ZERO_MAX; }

/* ---- links ---- */

/* The tag of a link to next: 15 keyed bits and the pointer's parity. */
static inline uint64_t hk_hb_link_tag(uintptr_t next) {
  return ((uint64_t)(next ^ hk_hb_mask) * hk_hb_tag) >> 49 << 48 | (uint64_t)__builtin_parityll(next) << 63;
}
static inline uint64_t hk_hb_link_mask(const void *at) { return (hk_hb_mask ^ ((uintptr_t)at >> 4)) & HK_HB_LOW; }

static inline void hk_link_store(void *p, void *next) {
  uintptr_t n = (uintptr_t)next;
  hk_track_open(p, sizeof next);
  *(uint64_t *)p = ((n ^ hk_hb_link_mask(p)) & HK_HB_LOW) | hk_hb_link_tag(n);
  hk_track_close(p, sizeof next);
}

/* A decoded link to a: NULL, or a block start of a slab of ours whose block is not live. */
static inline int hk_hb_link_plausible(uintptr_t a) {
  if (!a) return 1;
  if ((a & 15) || !hk_registry_contains(a)) return 0;
  hk_chunk_t *ch = hk_chunk_of(a);
  if (ch->kind == HK_CHUNK_LARGE) return 0;
  const hk_slab_t *s = hk_slab_of(ch, a);
  hk_heap_t *o = __atomic_load_n(&s->owner, __ATOMIC_RELAXED);
  if (o == HK_OWNER_POOL || o == HK_OWNER_LARGE || !hk_slab_block_start(s, (uint32_t)(a - (uintptr_t)ch))) return 0;
  const uint64_t *w = hk_hb_word(a), b = hk_hb_bit(a);
  return !(__atomic_load_n(w, __ATOMIC_RELAXED) & b) || (__atomic_load_n(w + HK_HB_WORDS, __ATOMIC_RELAXED) & b);
}

static inline void *hk_link_load(const void *p) {
  hk_track_open(p, sizeof(void *));
  uint64_t w = *(const uint64_t *)p;
  hk_track_close(p, sizeof(void *));
  uintptr_t next = (uintptr_t)((w ^ hk_hb_link_mask(p)) & HK_HB_LOW);
  if (HK_UNLIKELY((w & ~HK_HB_LOW) != hk_hb_link_tag(next) || !hk_hb_link_plausible(next)))
    hk_hb_corrupt("free list corrupted (a freed block was written: use after free or overflow) at", p);
  return (void *)next;
}

/* ---- state ---- */

static inline void hk_block_on_alloc(void *p, uint32_t cls) {
  uintptr_t a = (uintptr_t)p;
  uint64_t *w = hk_hb_word(a);
  unsigned i = hk_hb_idx(a);
  if (HK_UNLIKELY(__atomic_load_n(w + HK_HB_WORDS, __ATOMIC_RELAXED) >> i & 1))
    hk_hb_corrupt("double free (by two threads at once) of", p);
  __atomic_store_n(w, __atomic_load_n(w, __ATOMIC_RELAXED) | 1ull << i, __ATOMIC_RELAXED);
  uint32_t stride = hk_class_stride[cls];
  if (HK_CFG_BLOCK_ZERO == HK_CFG_BLOCK_ZERO_ALLOC && hk_hb_clears(stride)) hk_hb_clear(p, stride);
  else *(uint64_t *)p = 0; /* the link it may carry: the program never sees one */
  if (HK_CFG_BLOCK_CANARY) *hk_hb_canary_at(p, stride) = hk_hb_canary_of(p);
}

/* Live, and then its canary (which the program cannot legitimately reach) must be whole. A
 * pointer 1 to 15 bytes into a live block shares its bit: without a canary it is refused
 * outright; with one, its canary read is off by those bytes and fails, and only then is the
 * pointer's alignment looked at (not live: the core reports a pointer inside a block), so the
 * usual free pays no test for it. */
static inline int hk_block_live(const hk_slab_t *s, const void *p, uint32_t off) {
  (void)off;
  uintptr_t a = (uintptr_t)p;
  if (!HK_CFG_BLOCK_CANARY && (a & 15)) return 0;
  const uint64_t *w = hk_hb_word(a);
  if (!((__atomic_load_n(w, __ATOMIC_RELAXED) & ~__atomic_load_n(w + HK_HB_WORDS, __ATOMIC_RELAXED)) >> hk_hb_idx(a) &
        1))
    return 0;
  uint64_t c = 0; /* by memcpy: a pointer inside the block makes the load misaligned (one mov on x86) */
  if (HK_CFG_BLOCK_CANARY) __builtin_memcpy(&c, hk_hb_canary_at((void *)p, s->block_size), sizeof c);
  if (HK_CFG_BLOCK_CANARY && HK_UNLIKELY(c != hk_hb_canary_of(p))) {
    if (a & 15) return 0;
    hk_hb_corrupt("heap overflow: the canary after the block was overwritten, at", p);
  }
  return 1;
}

/* A live block is being freed: its bytes are cleared, the canary word with them (the next
 * hand-out writes a new one). */
static inline void hk_hb_release(const hk_slab_t *s, void *p) {
  if (HK_CFG_BLOCK_ZERO == HK_CFG_BLOCK_ZERO_FREE && hk_hb_clears(s->block_size)) {
    hk_track_open(p, s->block_size);
    hk_hb_clear(p, s->block_size);
    hk_track_close(p, s->block_size);
  }
}

static inline void hk_block_retire(hk_slab_t *s, void *p) {
  uintptr_t a = (uintptr_t)p;
  uint64_t *w = hk_hb_word(a);
  __atomic_store_n(w, __atomic_load_n(w, __ATOMIC_RELAXED) & ~(1ull << hk_hb_idx(a)), __ATOMIC_RELAXED);
  hk_hb_release(s, p); /* after: the clearing's stores would make the compiler load the word again */
}

static inline int hk_block_retire_remote(hk_slab_t *s, void *p) {
  uintptr_t a = (uintptr_t)p;
  uint64_t b = hk_hb_bit(a);
  if (__atomic_fetch_or(hk_hb_word(a) + HK_HB_WORDS, b, __ATOMIC_ACQ_REL) & b) return 0;
  hk_hb_release(s, p);
  return 1;
}

/* A block cleared on free must still be clear when it leaves a quarantine (16-byte loads). */
static inline void hk_block_leaves_quarantine(const hk_slab_t *s, void *p) {
  if (HK_CFG_BLOCK_ZERO != HK_CFG_BLOCK_ZERO_FREE || !hk_hb_clears(s->block_size)) return;
  const hk_hb_v2 *v = (const hk_hb_v2 *)p, *end = (const hk_hb_v2 *)((uint8_t *)p + s->block_size);
  hk_hb_v2 any = { 0, 0 };
  hk_track_open(p, s->block_size);
  for (; v < end; v++) any |= *v;
  hk_track_close(p, s->block_size);
  if (HK_UNLIKELY(any[0] | any[1]))
    hk_hb_corrupt("use after free: a freed block was written while in quarantine, at", p);
}

/* Home under the owner's lock: neither bit stays set. A block from the front has neither, one
 * another thread freed has both; pend alone is a block its owner freed too. */
static inline void hk_block_home(void *p) {
  uintptr_t a = (uintptr_t)p;
  uint64_t *w = hk_hb_word(a), b = hk_hb_bit(a);
  uint64_t v = __atomic_load_n(w, __ATOMIC_RELAXED);
  if (!(__atomic_load_n(w + HK_HB_WORDS, __ATOMIC_RELAXED) & b)) return;
  if (!(v & b)) hk_hb_corrupt("double free (by two threads at once) of", p);
  __atomic_store_n(w, v & ~b, __ATOMIC_RELAXED);
  __atomic_fetch_and(w + HK_HB_WORDS, ~b, __ATOMIC_RELAXED);
}

/* An empty slab leaves its class: what freed blocks still carry (word 0 links, tail canaries)
 * is cleared, so no block of the slab's next class starts out holding them. */
static void hk_block_slab_leaves(hk_slab_t *s) {
  /* alloc clears the next block whole (up to zeroMax; word 0 always) */
  if (HK_CFG_BLOCK_ZERO == HK_CFG_BLOCK_ZERO_ALLOC && hk_hb_clears(s->block_size)) return;
  uint8_t *b = hk_slab_addr(s, s->start), *end = hk_slab_addr(s, s->bump);
  for (; b < end; b += s->block_size) {
    hk_track_open(b, s->block_size);
    *(uint64_t *)b = 0;
    if (HK_CFG_BLOCK_CANARY) *hk_hb_canary_at(b, s->block_size) = 0;
    hk_track_close(b, s->block_size);
  }
}

/* Keyed: a block cannot be made to look like an aligned block's container without the key. */
static inline uintptr_t hk_block_interior_tag(const void *q) {
  uint64_t x = ((uintptr_t)q ^ hk_hb_mask) * hk_hb_tag;
  return (x ^ (x >> 29)) * 0xbf58476d1ce4e5b9ull;
}

static int hk_block_probe(enum hk_block_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_BLOCK_OUT_OF_LINE: *out = 1; return 0;
  case HK_PROBE_BLOCK_LIVE_BIT: { /* arg: an address in a chunk of slabs -> 1 its live bit, 2 its pending-free bit */
    uintptr_t a = (uintptr_t)arg;
    if (!hk_registry_contains(a) || hk_chunk_of(a)->kind == HK_CHUNK_LARGE) return -1;
    const uint64_t *w = hk_hb_word(a);
    uint64_t b = hk_hb_bit(a);
    *out = ((__atomic_load_n(w, __ATOMIC_RELAXED) & b) ? 1 : 0) |
           ((__atomic_load_n(w + HK_HB_WORDS, __ATOMIC_RELAXED) & b) ? 2 : 0);
    return 0;
  }
  }
  return -1;
}
