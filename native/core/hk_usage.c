/* hk_usage.c — the usage figures every report reads (mallinfo2, malloc_stats, malloc_info,
 * hakmem_metrics): taken at read time from state the allocator keeps anyway — the OS
 * counters, the refill slot's per-class counts of blocks out of each heap's slabs, the large
 * slot's live figures, and the idle bytes of the pool and the large cache (their probes). They
 * take no lock (the heap list is walked as hk_layout.h allows) and allocate nothing, so a
 * signal handler may read them.
 *
 * Error bound of slab_in_use: a slab block counts as in use from when it leaves its slab until
 * it is back, less what the calling thread's own front cache holds (exact). So it overstates
 * by the blocks that other threads' front caches hold (at most their capacities) and the
 * blocks on their way back to an owning heap (a remote box's batches and the heaps' channels);
 * in a program with one thread it is exact. */

#include <sys/resource.h>

typedef struct {
  int64_t mapped;      /* bytes mapped now */
  int64_t slab_in_use; /* slab blocks with the program, by stride */
  int64_t slab_out;    /* slab blocks out of their slabs (also in thread caches), by stride */
  int64_t large_count, large_mapped, large_usable;
  int64_t idle_resident; /* what malloc_trim would give back */
  int64_t heaps, orphans;
  int64_t blocks[HK_NUM_CLASSES]; /* slab blocks with the program, per class */
} hk_usage_t;

static void hk_usage(hk_usage_t *u) {
  memset(u, 0, sizeof *u);
  hk_init();
  u->mapped = __atomic_load_n(&hk_os_counters.bytes_mapped, __ATOMIC_RELAXED);
  /* no lock: heaps are never unmapped and the list only grows at its head (hk_layout.h) */
  for (const hk_heap_t *h = __atomic_load_n(&hk_heaps_all, __ATOMIC_ACQUIRE); h; h = h->next_all) {
    u->heaps++;
    if (__atomic_load_n(&h->state, __ATOMIC_RELAXED) == HK_HEAP_ORPHAN) u->orphans++;
    for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) u->blocks[c] += hk_refill_out(h, c);
  }
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) u->slab_out += u->blocks[c] * (int64_t)hk_class_stride[c];
  if (hk_tls_heap) /* the calling thread's own cache and quarantine are not in use */
    for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) u->blocks[c] -= hk_front_count(c) + hk_quarantine_held(c);
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) {
    if (u->blocks[c] < 0) u->blocks[c] = 0;
    u->slab_in_use += u->blocks[c] * (int64_t)hk_class_stride[c];
  }
  hk_large_live(&u->large_count, &u->large_mapped, &u->large_usable);
  int64_t v;
  if (hk_sharedpool_probe(HK_PROBE_SHAREDPOOL_RESIDENT_SLABS, 0, &v) == 0 && v > 0)
    u->idle_resident += v * (int64_t)HK_SLAB_SIZE;
  if (hk_large_probe(HK_PROBE_LARGE_CACHED_BYTES, 0, &v) == 0 && v > 0) u->idle_resident += v;
}

/* The process's resident set from /proc/self/statm (open, read: no allocation); 0 if unreadable. */
static uint64_t hk_resident_bytes(void) {
  char buf[128];
  if (hk_os_read_file("/proc/self/statm", buf, sizeof buf) <= 0) return 0;
  const char *s = buf;
  while (*s && *s != ' ') s++; /* the second field: resident pages */
  uint64_t pages = 0;
  while (*s == ' ') s++;
  while (*s >= '0' && *s <= '9') pages = pages * 10 + (uint64_t)(*s++ - '0');
  long page = sysconf(_SC_PAGESIZE);
  return pages * (uint64_t)(page > 0 ? page : 4096);
}

/* A figure that cannot be negative, as printf's %llu takes it (a racy read may dip below 0). */
static unsigned long long hk_pos(int64_t v) { return v > 0 ? (unsigned long long)v : 0; }
