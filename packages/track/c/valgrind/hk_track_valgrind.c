/* track/valgrind — Valgrind client requests, so that memcheck, run on a program that uses
 * hakmem (valgrind --soname-synonyms=somalloc=nouserintercepts: memcheck keeps its hands off
 * hakmem's malloc), sees hakmem's blocks as heap blocks: a block handed out is MALLOCLIKE with
 * the size the program asked for (its slack no access; at least 16 bytes), a block freed
 * FREELIKE (no access: a later read is "Invalid read ... inside a block free'd"), and the
 * allocator's own accesses to free blocks open them for the access only. Leaks are blocks
 * never FREELIKE'd, with the size asked for. Outside Valgrind each request is a short run of instructions that
 * does nothing (FAST_PATH: a handful more per malloc and per free; the tiny_hot figure is in
 * the package README). */

#if !__has_include(<valgrind/memcheck.h>)
#error \
    "track/valgrind needs <valgrind/memcheck.h>: install valgrind's headers (Debian, Ubuntu: apt-get install valgrind; Fedora: valgrind-devel)"
#endif

#include "hakmem/hk_track.h"

#include <valgrind/memcheck.h>

/* memcheck checks hakmem's own reads too, and free reads the first two words of a live block
 * (the block box's live test, an aligned block's tag) before it knows the block is live: a
 * block is never told smaller than that. */
#define HK_TRACK_VG_FLOOR 16

/* The block is req bytes to memcheck (its leak size, its bounds); the slack after is no access
 * (a fresh large mapping comes opened from the superslab). */
static inline void hk_track_malloc(void *p, size_t size, size_t req, int zeroed) {
  VALGRIND_MALLOCLIKE_BLOCK(p, req, 0, zeroed);
  if (size > req) VALGRIND_MAKE_MEM_NOACCESS((char *)p + req, size - req);
}
/* memcheck keeps the bytes' state: a grown tail is undefined, a cut one no access. */
static inline void hk_track_resize(void *p, size_t size, size_t old, size_t req) {
  (void)size;
  if (old != req) VALGRIND_RESIZEINPLACE_BLOCK(p, old, req, 0);
}
/* memcheck has no request for a block's size, but its bounds are its addressable bytes: the
 * first no-access byte past the floor, by bisection (GET_VBITS answers 3 for no access and
 * reports nothing). Cold: realloc that moves, malloc_usable_size. */
static inline size_t hk_track_requested(const void *p, size_t size) {
  if (!RUNNING_ON_VALGRIND || size <= HK_TRACK_VG_FLOOR) return size;
  size_t lo = HK_TRACK_VG_FLOOR, hi = size;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    char vbits;
    if (VALGRIND_GET_VBITS((const char *)p + mid, &vbits, 1) == 3) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
static inline size_t hk_track_floor(void) { return HK_TRACK_VG_FLOOR; }
static inline void hk_track_free(void *p, size_t size) { VALGRIND_FREELIKE_BLOCK(p, 0); }
static inline void hk_track_open(const void *p, size_t n) { VALGRIND_MAKE_MEM_DEFINED(p, n); }
static inline void hk_track_close(const void *p, size_t n) { VALGRIND_MAKE_MEM_NOACCESS(p, n); }
static inline void hk_track_unused(const void *p, size_t n) { VALGRIND_MAKE_MEM_NOACCESS(p, n); }
static inline int hk_track_sizes(void) { return 1; }

static int hk_track_probe(enum hk_track_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_TRACK_KIND: *out = 1; return 0;
  case HK_PROBE_TRACK_RUNNING: *out = RUNNING_ON_VALGRIND ? 1 : 0; return 0;
  }
  return -1;
}
