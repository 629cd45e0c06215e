/* track/valgrind — Valgrind client requests, so that memcheck, run on a program that uses
 * hakmem (valgrind --soname-synonyms=somalloc=nouserintercepts: memcheck keeps its hands off
 * hakmem's malloc), sees hakmem's blocks as heap blocks: a block handed out is MALLOCLIKE, a
 * block freed FREELIKE (no access: a later read is "Invalid read ... inside a block free'd"),
 * and the allocator's own accesses to free blocks open them for the access only. Leaks are
 * blocks never FREELIKE'd. Outside Valgrind each request is a short run of instructions that
 * does nothing (FAST_PATH: a handful more per malloc and per free; the tiny_hot figure is in
 * the package README). */

#if !__has_include(<valgrind/memcheck.h>)
#error \
    "track/valgrind needs <valgrind/memcheck.h>: install valgrind's headers (Debian, Ubuntu: apt-get install valgrind; Fedora: valgrind-devel)"
#endif

#include "hakmem/hk_track.h"

#include <valgrind/memcheck.h>

static inline void hk_track_malloc(void *p, size_t size, int zeroed) { VALGRIND_MALLOCLIKE_BLOCK(p, size, 0, zeroed); }
static inline void hk_track_free(void *p, size_t size) { VALGRIND_FREELIKE_BLOCK(p, 0); }
static inline void hk_track_open(const void *p, size_t n) { VALGRIND_MAKE_MEM_DEFINED(p, n); }
static inline void hk_track_close(const void *p, size_t n) { VALGRIND_MAKE_MEM_NOACCESS(p, n); }
static inline void hk_track_unused(const void *p, size_t n) { VALGRIND_MAKE_MEM_NOACCESS(p, n); }
static inline int hk_track_sizes(void) { return 1; }

static int hk_track_probe(const char *name, int64_t arg, int64_t *out) {
  (void)arg;
  if (!strcmp(name, "kind")) {
    *out = 1;
    return 0;
  }
  if (!strcmp(name, "running")) {
    *out = RUNNING_ON_VALGRIND ? 1 : 0;
    return 0;
  }
  return -1;
}
