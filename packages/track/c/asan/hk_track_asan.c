/* track/asan — AddressSanitizer poisoning, for programs built with -fsanitize=address that
 * link hakmem so that its malloc serves them (statically: libhakmem.a; ASan's own malloc wins
 * over a preloaded or dynamically linked one). A freed block and memory never handed out are
 * poisoned, a block handed out is unpoisoned up to the size the program asked for (its slack
 * stays poisoned), so an instrumented access to a freed hakmem block, or past the end of a live
 * one, is reported as use-after-poison where it happens. hakmem itself is not instrumented:
 * its own accesses are not checked, but the libc calls it makes (memset for calloc of a
 * reused large mapping) are, so a free block is unpoisoned around them too.
 *
 * The ASan interface is declared weak and called only when the program has it: the same
 * library runs unchanged, and tells nothing, in a program without ASan (FAST_PATH: one load
 * and one branch per call). Blocks are 16-byte aligned, so ASan's 8-byte granules fit. */

#include "hakmem/hk_track.h"

extern void __asan_poison_memory_region(void const volatile *addr, size_t size) __attribute__((weak));
extern void __asan_unpoison_memory_region(void const volatile *addr, size_t size) __attribute__((weak));
extern int __asan_address_is_poisoned(void const volatile *addr) __attribute__((weak));

/* ASan's runtime calls malloc while it starts, before its shadow memory exists: poisoning
 * then would fault. Its start-up runs from the executable's preinit array, before any
 * constructor, so poisoning waits for ours; blocks handed out before are simply not tracked
 * (unpoisoning them later is harmless). */
static int hk_track_asan_ready;
__attribute__((constructor)) static void hk_track_asan_start(void) {
  __atomic_store_n(&hk_track_asan_ready, __asan_poison_memory_region != NULL, __ATOMIC_RELAXED);
}

static inline void hk_track_poison(const void *p, size_t n) {
  if (__atomic_load_n(&hk_track_asan_ready, __ATOMIC_RELAXED)) __asan_poison_memory_region(p, n);
}
static inline void hk_track_unpoison(const void *p, size_t n) {
  if (__atomic_load_n(&hk_track_asan_ready, __ATOMIC_RELAXED)) __asan_unpoison_memory_region(p, n);
}

/* hakmem itself may be instrumented (compiled into a program built with -fsanitize=address,
 * as san_stress and the fuzzer do): then its own accesses to a live block are checked, and the
 * block box writes word 1 as it hands a block out and free reads the first two words. A block
 * is never told smaller than those two words (so byte 8 of malloc(1) goes unreported). */
enum { HK_TRACK_ASAN_FLOOR = 16 };

/* The program's req bytes are addressable, the slack after them poisoned: ASan's shadow keeps a
 * partial granule (the first req % 8 bytes of the last one), so byte req is reported. */
static inline void hk_track_malloc(void *p, size_t size, size_t req, int zeroed) {
  (void)zeroed;
  hk_track_unpoison(p, req);
  if (size > req) hk_track_poison((char *)p + req, size - req);
}
static inline void hk_track_resize(void *p, size_t size, size_t old, size_t req) {
  (void)old;
  hk_track_malloc(p, size, req, 0);
}
/* The first poisoned byte of a live block is where its req ends (hakmem poisons only there):
 * found by bisection over single bytes, from the floor (never poisoned in a live block).
 * Not __asan_region_is_poisoned: its consistency check (asan_poisoning.cpp, "mem_is_zero
 * returned false, but poisoned byte was not found") aborted san_stress's cross-thread phase
 * from malloc_usable_size of a block the thread had just been handed, which this reads the
 * same shadow without. */
static inline size_t hk_track_requested(const void *p, size_t size) {
  if (!__atomic_load_n(&hk_track_asan_ready, __ATOMIC_RELAXED) || !__asan_address_is_poisoned) return size;
  const char *c = (const char *)p;
  if (size <= HK_TRACK_ASAN_FLOOR || !__asan_address_is_poisoned(c + size - 1)) return size;
  size_t lo = HK_TRACK_ASAN_FLOOR - 1, hi = size - 1; /* lo addressable (req >= the floor), hi poisoned */
  while (lo + 1 < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (__asan_address_is_poisoned(c + mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
static inline size_t hk_track_floor(void) { return HK_TRACK_ASAN_FLOOR; }
static inline void hk_track_free(void *p, size_t size) { hk_track_poison(p, size); }
static inline void hk_track_open(const void *p, size_t n) { hk_track_unpoison(p, n); }
static inline void hk_track_close(const void *p, size_t n) { hk_track_poison(p, n); }
static inline void hk_track_unused(const void *p, size_t n) { hk_track_poison(p, n); }
static inline int hk_track_sizes(void) { return 1; }

static int hk_track_probe(enum hk_track_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_TRACK_KIND: *out = 2; return 0;
  case HK_PROBE_TRACK_RUNNING: *out = __atomic_load_n(&hk_track_asan_ready, __ATOMIC_RELAXED); return 0;
  }
  return -1;
}
