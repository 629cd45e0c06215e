/* superslab/lazy — chunks are mapped on demand and never touched until a slab carves them, so
 * a chunk costs resident memory only for the blocks actually used. The registry is a bitmap
 * with one bit per 2 MiB of the 47-bit user address space (8 MiB of untouched bss). */

#define HK_REGISTRY_BITS ((uintptr_t)1 << (47 - HK_CHUNK_SHIFT))

static uint8_t hk_registry_map[HK_REGISTRY_BITS / 8];
static _Atomic int64_t hk_registry_count;

/* Hot (every free): one range compare, one byte load, one bit test. */
static inline int hk_registry_contains(uintptr_t a) {
  uintptr_t i = a >> HK_CHUNK_SHIFT;
  if (HK_UNLIKELY(i >= HK_REGISTRY_BITS)) return 0;
  return (__atomic_load_n(&hk_registry_map[i >> 3], __ATOMIC_RELAXED) >> (i & 7)) & 1;
}

static void hk_registry_add(const void *chunk) {
  uintptr_t i = (uintptr_t)chunk >> HK_CHUNK_SHIFT;
  __atomic_fetch_or(&hk_registry_map[i >> 3], (uint8_t)(1u << (i & 7)), __ATOMIC_RELEASE);
  __atomic_fetch_add(&hk_registry_count, 1, __ATOMIC_RELAXED);
}

static void hk_registry_remove(const void *chunk) {
  uintptr_t i = (uintptr_t)chunk >> HK_CHUNK_SHIFT;
  __atomic_fetch_and(&hk_registry_map[i >> 3], (uint8_t)~(1u << (i & 7)), __ATOMIC_RELEASE);
  __atomic_fetch_sub(&hk_registry_count, 1, __ATOMIC_RELAXED);
}

static hk_chunk_t *hk_superslab_chunk_new(void) {
  hk_chunk_t *ch = hk_os_map_aligned(HK_CHUNK_SIZE, HK_CHUNK_SIZE);
  if (!ch) return NULL;
  ch->magic = HK_CHUNK_MAGIC;
  hk_registry_add(ch);
  __atomic_fetch_add(&hk_os_counters.chunks, 1, __ATOMIC_RELAXED);
  hk_stats_count(HK_EV_CHUNK_MAP, 0, 1);
  return ch;
}

static hk_chunk_t *hk_superslab_map_large(size_t len, size_t align) {
  hk_chunk_t *ch = hk_os_map_aligned(len, align > HK_CHUNK_SIZE ? align : HK_CHUNK_SIZE);
  if (!ch) return NULL;
  ch->magic = HK_CHUNK_MAGIC;
  hk_registry_add(ch);
  __atomic_fetch_add(&hk_os_counters.large_maps, 1, __ATOMIC_RELAXED);
  hk_stats_count(HK_EV_CHUNK_MAP, 0, 1);
  return ch;
}

static void hk_superslab_unmap_large(hk_chunk_t *ch, size_t len) {
  hk_registry_remove(ch);
  hk_os_unmap(ch, len);
  hk_stats_count(HK_EV_CHUNK_UNMAP, 0, 1);
}

/* Chunks mapped ahead at start (tunable reserveChunks) go straight to the pool. */
static void hk_superslab_init(void) {
  for (int i = 0; i < HK_CFG_SUPERSLAB_RESERVE_CHUNKS; i++) {
    hk_chunk_t *ch = hk_superslab_chunk_new();
    if (!ch) break;
    hk_pool_give_chunk(ch);
  }
}

static int hk_superslab_probe(const char *name, int64_t arg, int64_t *out) {
  uintptr_t a = (uintptr_t)arg;
  if (!strcmp(name, "chunk_of")) {
    *out = hk_registry_contains(a) ? (int64_t)(uintptr_t)hk_chunk_of(a) : 0;
    return 0;
  }
  if (!strcmp(name, "chunks")) { *out = __atomic_load_n(&hk_registry_count, __ATOMIC_RELAXED); return 0; }
  if (!strcmp(name, "slab_class")) {
    *out = -1;
    if (hk_registry_contains(a)) {
      hk_chunk_t *ch = hk_chunk_of(a);
      if (ch->kind == HK_CHUNK_SLABS || ch->kind == HK_CHUNK_WHOLE) {
        hk_slab_t *s = hk_slab_of(ch, a);
        if (s->owner != HK_OWNER_POOL) *out = s->cls;
      }
    }
    return 0;
  }
  return -1;
}
