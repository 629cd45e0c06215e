/* superslab/common (base `map`, contract in hk_superslab_map.h) — the chunk registry, the mappings of chunks and large
 * blocks, the start-up reserve and the probes; hk_superslab_chunks.c decides how a new chunk
 * is prepared (the `prepare` tunable). The registry is a byte map with one byte per 2 MiB of the
 * 47-bit user address space (64 MiB of bss, untouched but for the bytes of chunks we map: a
 * byte, not a bit, so the free fast path tests it with one compare and no shift or mask). */

#include "hk_superslab_map.h"

#define HK_REGISTRY_SLOTS ((uintptr_t)1 << (47 - HK_CHUNK_SHIFT))

static uint8_t hk_registry_map[HK_REGISTRY_SLOTS];
static int64_t hk_registry_count;

/* Hot (every free): one range compare, one byte load and its test. The load is atomic
 * (RELAXED: the reader only compares). A plain read would let the compiler fold it into the
 * compare (one instruction less), but it races with the removal of an earlier chunk at the
 * same address, which no free is ordered after: ThreadSanitizer reports it, rightly. */
static inline int hk_registry_contains(uintptr_t a) {
  uintptr_t i = a >> HK_CHUNK_SHIFT;
  if (HK_UNLIKELY(i >= HK_REGISTRY_SLOTS)) return 0;
  return __atomic_load_n(&hk_registry_map[i], __ATOMIC_RELAXED) != 0;
}

static void hk_registry_add(const void *chunk) {
  __atomic_store_n(&hk_registry_map[(uintptr_t)chunk >> HK_CHUNK_SHIFT], 1, __ATOMIC_RELEASE);
  __atomic_fetch_add(&hk_registry_count, 1, __ATOMIC_RELAXED);
}

static void hk_registry_remove(const void *chunk) {
  __atomic_store_n(&hk_registry_map[(uintptr_t)chunk >> HK_CHUNK_SHIFT], 0, __ATOMIC_RELEASE);
  __atomic_fetch_sub(&hk_registry_count, 1, __ATOMIC_RELAXED);
}

/* ---- new chunks, prepared as `prepare` says ---- */

/* MADV_POPULATE_WRITE (Linux 5.14) by its number: older libc headers lack the name. */
enum { HK_MADV_POPULATE_WRITE = 23 };

static int64_t hk_superslab_prepared; /* chunks advised or populated: probe `prepared` */
static int hk_superslab_no_populate;  /* the kernel refused MADV_POPULATE_WRITE */

/* Fault in every page of [p, p + len) writable, so the first touch costs no page fault.
 * One madvise where the kernel has MADV_POPULATE_WRITE (Linux 5.14+); else one write access
 * per page (an atomic add of zero: one write fault, and the byte keeps its value).
 * Advisory: any other failure (ENOMEM) leaves the pages to fault in later. */
static void hk_superslab_populate(void *p, size_t len) {
  if (!__atomic_load_n(&hk_superslab_no_populate, __ATOMIC_RELAXED)) {
    if (madvise(p, len, HK_MADV_POPULATE_WRITE) == 0 || errno != EINVAL) return;
    __atomic_store_n(&hk_superslab_no_populate, 1, __ATOMIC_RELAXED);
  }
  for (volatile uint8_t *b = p, *e = b + len; b < e; b += HK_PAGE) __atomic_fetch_add(b, 0, __ATOMIC_RELAXED);
}

/* A fresh 2 MiB chunk, registered and counted, header zero except magic; NULL when the OS
 * refuses. `prep` (HK_PREP_*, a constant from the `prepare` tunable) is applied before the first byte is
 * written: a huge-page advice after a 4 KiB page has faulted in comes too late for the chunk.
 * errno is kept. */
static hk_chunk_t *hk_superslab_chunk_map(unsigned prep) {
  if (!hk_purge_before_map(HK_CHUNK_SIZE)) return NULL; /* idle memory goes first; the hard limit refuses */
  hk_chunk_t *ch = hk_os_map_aligned(HK_CHUNK_SIZE, HK_CHUNK_SIZE);
  if (!ch) return NULL;
  hk_track_open(ch, HK_CHUNK_SIZE); /* a checker's stale state for this range (another owner's) goes */
  if (prep) {
    int saved = errno;
    if (prep & HK_PREP_HUGE) madvise(ch, HK_CHUNK_SIZE, MADV_HUGEPAGE); /* advisory */
    if (prep & HK_PREP_POPULATE) hk_superslab_populate(ch, HK_CHUNK_SIZE);
    __atomic_fetch_add(&hk_superslab_prepared, 1, __ATOMIC_RELAXED);
    errno = saved;
  }
  ch->magic = HK_CHUNK_MAGIC;
  hk_registry_add(ch);
  __atomic_fetch_add(&hk_os_counters.chunks, 1, __ATOMIC_RELAXED);
  hk_stats_count(HAKMEM_EV_CHUNK_MAP, 0, 1);
  return ch;
}

/* A chunk of slabs that rests whole and cold goes back to the OS (the pool's release, after no
 * reader can still hold its id): out of the registry first, so a stale free of one of its
 * addresses is foreign, then unmapped. Known limit: an invalid free (a double free) of an
 * address in the chunk that passed the registry test just before the removal may still read
 * the slab descriptor after the unmap and fault; a valid free cannot race it, since a chunk
 * holding a live block never rests whole. */
static int64_t hk_superslab_unmapped; /* chunks given back whole: probe `unmapped` */

static void hk_superslab_chunk_unmap(hk_chunk_t *ch) {
  hk_registry_remove(ch);
  hk_track_open(ch, HK_CHUNK_SIZE); /* no checker state (ASan's poison) outlives the mapping */
  hk_os_unmap(ch, HK_CHUNK_SIZE);
  __atomic_fetch_add(&hk_superslab_unmapped, 1, __ATOMIC_RELAXED);
  hk_stats_count(HAKMEM_EV_CHUNK_UNMAP, 0, 1);
}

/* ---- large mappings (never prepared: a large block is touched as the user writes it) ---- */

static hk_chunk_t *hk_superslab_map_large(size_t len, size_t align) {
  if (!hk_purge_before_map(len)) return NULL;
  hk_chunk_t *ch = hk_os_map_aligned(len, align > HK_CHUNK_SIZE ? align : HK_CHUNK_SIZE);
  if (!ch) return NULL;
  hk_track_open(ch, len); /* as in chunk_map */
  ch->magic = HK_CHUNK_MAGIC;
  hk_registry_add(ch);
  __atomic_fetch_add(&hk_os_counters.large_maps, 1, __ATOMIC_RELAXED);
  hk_stats_count(HAKMEM_EV_CHUNK_MAP, 0, 1);
  return ch;
}

static void hk_superslab_unmap_large(hk_chunk_t *ch, size_t len) {
  hk_registry_remove(ch);
  hk_track_open(ch, len); /* as in chunk_unmap */
  hk_os_unmap(ch, len);
  hk_stats_count(HAKMEM_EV_CHUNK_UNMAP, 0, 1);
}

static hk_chunk_t *hk_superslab_grow_large(hk_chunk_t *old, size_t old_len, size_t len) {
  hk_chunk_t *ch = hk_superslab_map_large(len, HK_CHUNK_SIZE);
  if (!ch) return NULL;
  hk_registry_remove(old); /* before its range goes, as in unmap */
  if (hk_os_move(old, old_len, ch) != 0) {
    hk_registry_add(old);
    hk_superslab_unmap_large(ch, len);
    return NULL;
  }
  hk_track_open(old, old_len); /* the old range is gone: as in unmap */
  return ch;
}

/* Chunks mapped ahead at start (tunable reserveChunks) go straight to the pool, prepared
 * (through the core: the pool is a later slot, hk_services.h). */
static void hk_superslab_init(void) {
  for (int i = 0; i < HK_CFG_SUPERSLAB_RESERVE_CHUNKS; i++) {
    hk_chunk_t *ch = hk_superslab_chunk_new();
    if (!ch) break;
    hk_core_pool_give_chunk(ch);
  }
}

/* The probes: chunk_of, chunks (registered now), unmapped, slab_class; `prepared` where new
 * chunks are prepared (prepares != 0). -1 for any other name. */
static int hk_superslab_map_probe(enum hk_superslab_probe p, int64_t arg, int64_t *out, int prepares) {
  uintptr_t a = (uintptr_t)arg;
  switch (p) {
  case HK_PROBE_SUPERSLAB_CHUNK_OF: *out = hk_registry_contains(a) ? (int64_t)(uintptr_t)hk_chunk_of(a) : 0; return 0;
  case HK_PROBE_SUPERSLAB_CHUNKS: *out = __atomic_load_n(&hk_registry_count, __ATOMIC_RELAXED); return 0;
  case HK_PROBE_SUPERSLAB_UNMAPPED: *out = __atomic_load_n(&hk_superslab_unmapped, __ATOMIC_RELAXED); return 0;
  case HK_PROBE_SUPERSLAB_PREPARED:
    if (!prepares) return -1;
    *out = __atomic_load_n(&hk_superslab_prepared, __ATOMIC_RELAXED);
    return 0;
  case HK_PROBE_SUPERSLAB_SLAB_CLASS:
    *out = -1;
    if (hk_registry_contains(a)) {
      hk_chunk_t *ch = hk_chunk_of(a);
      if (ch->kind == HK_CHUNK_SLABS || ch->kind == HK_CHUNK_WHOLE) {
        hk_slab_t *s = hk_slab_of(ch, a);
        if (hk_slab_owner(s) != HK_OWNER_POOL) *out = s->cls;
      }
    }
    return 0;
  }
  return -1;
}
