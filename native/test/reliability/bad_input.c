/* bad_input.c — one case of the bad-input matrix per run (docs/bad-input.md).
 * Run with hakmem preloaded: `bad_input <case>`. Cases that hand hakmem an invalid pointer
 * print "addr=<p>" (the pointer passed) first; a variant that aborts stops there, and the
 * driver (native/test/bad-input.test.ts) checks the message on stderr. A variant that reports
 * and goes on reaches "survived", and then the program proves the heap is intact: thousands of
 * blocks of the victim's class and others, no two overlapping, contents intact, freed locally
 * and from another thread, allocated again. Cases with a defined result (overflow, bad
 * alignment, malloc(0), realloc(p, 0), free(NULL)) check it here and must print nothing. */
#include "hk_test.h"

#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>

extern void *__libc_malloc(size_t);

/* The sizes below are meant to overflow: keep the compiler from refusing them. */
#pragma GCC diagnostic ignored "-Walloc-size-larger-than="
#pragma GCC diagnostic ignored "-Wunused-result"

static char global_buf[256] __attribute__((aligned(64)));

/* ---- the heap is intact: distinct, non-overlapping, writable to their usable size ---- */
typedef struct {
  unsigned char *p;
  size_t n, u;
  uint64_t seed;
} blk_t;

static int blk_cmp(const void *a, const void *b) {
  uintptr_t x = (uintptr_t)((const blk_t *)a)->p, y = (uintptr_t)((const blk_t *)b)->p;
  return x < y ? -1 : x > y;
}

#define FILL_MAX 4096
static void blk_alloc(blk_t *b, size_t n, uint64_t seed) {
  b->p = malloc(n);
  CHECK(b->p != NULL, "malloc(%zu) after the bad input", n);
  b->n = n;
  b->u = malloc_usable_size(b->p);
  CHECK(b->u >= n, "malloc_usable_size(%p) = %zu < %zu", (void *)b->p, b->u, n);
  b->seed = seed;
  /* the whole usable size of small blocks, head and tail of big ones */
  if (b->u <= 2 * FILL_MAX) hk_fill(b->p, b->u, seed);
  else {
    hk_fill(b->p, FILL_MAX, seed);
    hk_fill(b->p + b->u - FILL_MAX, FILL_MAX, seed ^ 1);
  }
}
static void blk_check(const blk_t *b) {
  if (b->u <= 2 * FILL_MAX) CHECK_PATTERN(b->p, b->u, b->seed);
  else {
    CHECK_PATTERN(b->p, FILL_MAX, b->seed);
    CHECK_PATTERN(b->p + b->u - FILL_MAX, FILL_MAX, b->seed ^ 1);
  }
}

#define NB 3000
static blk_t blocks[NB], sorted[NB];

static void check_disjoint(size_t n) {
  memcpy(sorted, blocks, n * sizeof *blocks);
  qsort(sorted, n, sizeof *sorted, blk_cmp);
  for (size_t i = 0; i + 1 < n; i++)
    CHECK((uintptr_t)sorted[i].p + sorted[i].u <= (uintptr_t)sorted[i + 1].p,
          "blocks overlap: %p (+%zu usable) and %p: the heap was corrupted", (void *)sorted[i].p, sorted[i].u,
          (void *)sorted[i + 1].p);
}

static void *free_range(void *arg) {
  size_t *r = arg;
  for (size_t i = r[0]; i < r[1]; i++) {
    blk_check(&blocks[i]);
    free(blocks[i].p);
    blocks[i].p = NULL;
  }
  return NULL;
}

static void integrity(size_t victim) {
  if (victim > ((size_t)1 << 20)) victim = (size_t)1 << 20;
  static const size_t sizes[] = { 1, 16, 24, 48, 64, 100, 128, 200, 512, 1000, 4096, 8192, 20000, 70000, 300000 };
  uint64_t seed = 1;
  for (size_t i = 0; i < NB; i++) {
    size_t n = i % 3 == 0 ? victim : sizes[i % (sizeof sizes / sizeof sizes[0])];
    if (n > 100000 && i % 50 != 0) n = 777; /* a few big ones */
    blk_alloc(&blocks[i], n ? n : 1, seed++);
  }
  check_disjoint(NB);
  for (size_t i = 0; i < NB; i++) blk_check(&blocks[i]);
  for (size_t i = 0; i < NB; i += 2) {
    free(blocks[i].p);
    blocks[i].p = NULL;
  }
  for (size_t i = 0; i < NB; i += 2) blk_alloc(&blocks[i], i % 4 ? victim + 1 : 40, seed++);
  check_disjoint(NB);
  /* another thread frees the first half (remote frees), this one the rest, then again */
  pthread_t t;
  size_t range[2] = { 0, NB / 2 };
  CHECK(pthread_create(&t, NULL, free_range, range) == 0, "pthread_create");
  for (size_t i = NB / 2; i < NB; i++) {
    blk_check(&blocks[i]);
    free(blocks[i].p);
    blocks[i].p = NULL;
  }
  pthread_join(t, NULL);
  for (size_t i = 0; i < NB; i++) blk_alloc(&blocks[i], i % 2 ? victim : sizes[i % 7], seed++);
  check_disjoint(NB);
  for (size_t i = 0; i < NB; i++) {
    blk_check(&blocks[i]);
    free(blocks[i].p);
  }
  printf("integrity ok\n");
}

/* ---- cases ---- */
static void say_addr(const void *p) {
  printf("addr=%p\n", p);
  fflush(stdout);
}
static void survived(void) {
  printf("survived\n");
  fflush(stdout);
}

static void *thread_free(void *p) {
  free(p);
  return NULL;
}

static size_t case_free_foreign_mmap(void) {
  unsigned char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED, "mmap");
  memset(m, 0x5a, 8192);
  say_addr(m + 64);
  free(m + 64);
  survived();
  for (int i = 0; i < 8192; i++) CHECK(m[i] == 0x5a, "free of a foreign pointer wrote into it at byte %d", i);
  return 64;
}

static size_t case_free_foreign_global(void) {
  memset(global_buf, 0x33, sizeof global_buf);
  say_addr(global_buf + 16);
  free(global_buf + 16);
  survived();
  for (size_t i = 0; i < sizeof global_buf; i++) CHECK(global_buf[i] == 0x33, "global written at %zu", i);
  return 32;
}

static size_t case_free_stack(void) {
  volatile char local[64];
  for (int i = 0; i < 64; i++) local[i] = 0x11;
  say_addr((const void *)(local + 16));
  free((void *)(local + 16));
  survived();
  for (int i = 0; i < 64; i++) CHECK(local[i] == 0x11, "stack written at %d", i);
  return 64;
}

static size_t case_free_glibc_heap(void) {
  unsigned char *g = __libc_malloc(100);
  CHECK(g != NULL, "__libc_malloc");
  memset(g, 0x77, 100);
  say_addr(g);
  free(g);
  survived();
  for (int i = 0; i < 100; i++) CHECK(g[i] == 0x77, "glibc block written at %d", i);
  return 100;
}

static size_t interior(size_t n, size_t off) {
  unsigned char *p = malloc(n);
  CHECK(p != NULL, "malloc(%zu)", n);
  hk_fill(p, n, 42);
  say_addr(p + off);
  free(p + off);
  survived();
  CHECK_PATTERN(p, n, 42);      /* still live, untouched */
  unsigned char *q = malloc(n); /* and not handed out again */
  CHECK(q != p, "the block %p was handed out again while live", (void *)p);
  CHECK_PATTERN(p, n, 42);
  free(q);
  free(p);
  return n;
}
static size_t case_free_interior_small(void) { return interior(100, 16); }
static size_t case_free_interior_odd(void) { return interior(48, 3); }
static size_t case_free_interior_whole(void) { return interior(20000, 10240); }
static size_t case_free_interior_large(void) { return interior((size_t)1 << 20, 8192); }

/* Frees p, frees it again (from this thread or another); checks the block is handed out once. */
static size_t double_free(size_t n, int cross_thread) {
  unsigned char *p = malloc(n);
  CHECK(p != NULL, "malloc(%zu)", n);
  hk_fill(p, n < 4096 ? n : 4096, 7);
  free(p);
  say_addr(p);
  if (cross_thread) {
    pthread_t t;
    CHECK(pthread_create(&t, NULL, thread_free, p) == 0, "pthread_create");
    pthread_join(t, NULL);
  } else {
    free(p);
  }
  survived();
  /* The block must come back at most once. */
  enum { KMAX = 600 };
  static unsigned char *q[KMAX];
  int seen = 0, K = n > ((size_t)1 << 20) ? 8 : KMAX;
  for (int i = 0; i < K; i++) {
    q[i] = malloc(n);
    CHECK(q[i] != NULL, "malloc(%zu)", n);
    if (q[i] == p) seen++;
    hk_fill(q[i], n < 4096 ? n : 4096, (uint64_t)i);
  }
  CHECK(seen <= 1, "after a double free, malloc handed out %p %d times", (void *)p, seen);
  for (int i = 0; i < K; i++) {
    CHECK_PATTERN(q[i], n < 4096 ? n : 4096, (uint64_t)i);
    free(q[i]);
  }
  return n;
}
static size_t case_double_free_small(void) { return double_free(64, 0); }

/* Alignments above 64 hand out a pointer inside a bigger block: q + 16 is still no block, and a
 * second free of q is caught (the first one overwrote the tag that leads from q to its block). */
static size_t case_free_interior_aligned(void) {
  unsigned char *q = aligned_alloc(256, 512);
  CHECK(q != NULL && ((uintptr_t)q & 255) == 0, "aligned_alloc(256, 512) = %p", (void *)q);
  hk_fill(q, 512, 9);
  say_addr(q + 16);
  free(q + 16);
  survived();
  CHECK_PATTERN(q, 512, 9);
  free(q);
  return 512;
}
static size_t case_double_free_aligned(void) {
  unsigned char *q = aligned_alloc(256, 512);
  CHECK(q != NULL && ((uintptr_t)q & 255) == 0, "aligned_alloc(256, 512) = %p", (void *)q);
  hk_fill(q, 512, 9);
  free(q);
  say_addr(q);
  free(q);
  survived();
  enum { K = 400 };
  static unsigned char *r[K];
  int seen = 0;
  for (int i = 0; i < K; i++) {
    r[i] = aligned_alloc(256, 512);
    CHECK(r[i] != NULL, "aligned_alloc(256, 512)");
    if (r[i] == q) seen++;
    hk_fill(r[i], 512, (uint64_t)i);
  }
  CHECK(seen <= 1, "after a double free, aligned_alloc handed out %p %d times", (void *)q, seen);
  for (int i = 0; i < K; i++) {
    CHECK_PATTERN(r[i], 512, (uint64_t)i);
    free(r[i]);
  }
  return 512;
}
static size_t case_double_free_cross_thread(void) { return double_free(64, 1); }
static size_t case_double_free_whole(void) { return double_free(20000, 0); }
static size_t case_double_free_large(void) { return double_free((size_t)1 << 20, 0); }
static size_t case_double_free_huge(void) { return double_free((size_t)160 << 20, 0); }

static size_t case_realloc_freed(void) {
  unsigned char *p = malloc(64);
  CHECK(p != NULL, "malloc");
  free(p);
  say_addr(p);
  unsigned char *q = realloc(p, 200);
  survived();
  /* Either refused (NULL) or a fresh, usable block; never p's memory handed out twice. */
  if (q) {
    memset(q, 0x44, 200);
    free(q);
  }
  return 64;
}

static size_t case_realloc_foreign(void) {
  volatile char local[64];
  for (int i = 0; i < 64; i++) local[i] = 0x22;
  say_addr((const void *)local);
  errno = 0;
  void *q = realloc((void *)local, 100);
  survived();
  CHECK(q == NULL, "realloc of a stack address returned %p", q);
  for (int i = 0; i < 64; i++) CHECK(local[i] == 0x22, "stack written at %d", i);
  return 64;
}

static size_t case_realloc_interior(void) {
  unsigned char *p = malloc(256);
  CHECK(p != NULL, "malloc");
  hk_fill(p, 256, 5);
  say_addr(p + 32);
  void *q = realloc(p + 32, 1000);
  survived();
  CHECK(q == NULL, "realloc of an interior pointer returned %p", q);
  CHECK_PATTERN(p, 256, 5);
  free(p);
  return 256;
}

/* Several different invalid frees: a reporting variant says so once, then nothing. */
static size_t case_report_once(void) {
  volatile char local[32];
  unsigned char *p = malloc(80), *q = malloc(80);
  CHECK(p && q, "malloc");
  say_addr((const void *)local);
  free((void *)local);
  free(p + 16);
  free(q);
  free(q);
  free(global_buf);
  void *r = realloc((void *)local, 10);
  CHECK(r == NULL, "realloc of a stack address returned %p", r);
  survived();
  free(p);
  return 80;
}

static size_t case_free_null(void) {
  for (int i = 0; i < 1000; i++) {
    errno = 1234;
    free(NULL);
    CHECK(errno == 1234, "free(NULL) changed errno to %d", errno);
  }
  return 16;
}

static size_t case_malloc_zero(void) {
  enum { K = 1000 };
  static blk_t z[K];
  for (int i = 0; i < K; i++) {
    z[i].p = malloc(0);
    CHECK(z[i].p != NULL, "malloc(0) returned NULL");
    z[i].u = malloc_usable_size(z[i].p);
    CHECK(z[i].u >= 16, "malloc(0) = %p has usable size %zu (the README promises a 16-byte block)", (void *)z[i].p,
          z[i].u);
    memset(z[i].p, 0x66, 16);
  }
  memcpy(blocks, z, sizeof z);
  check_disjoint(K); /* unique: no two the same, no overlap */
  for (int i = 0; i < K; i++) free(z[i].p);
  void *r = realloc(NULL, 0);
  CHECK(r != NULL, "realloc(NULL, 0) = malloc(0) returned NULL");
  free(r);
  return 0;
}

static size_t case_realloc_zero(void) {
  for (int i = 0; i < 2000; i++) {
    size_t n = i % 2 ? 100 : (size_t)1 << 20;
    void *p = malloc(n);
    CHECK(p != NULL, "malloc");
    errno = 0;
    void *r = realloc(p, 0);
    CHECK(r == NULL, "realloc(p, 0) returned %p, expected NULL (glibc's behaviour)", r);
  }
  return 100;
}

#define EXPECT_NULL(call, err)                                                                                  \
  do {                                                                                                          \
    errno = 0;                                                                                                  \
    void *r_ = (call);                                                                                          \
    CHECK(r_ == NULL && errno == (err), "%s returned %p, errno %d (expected NULL, errno %d)", #call, r_, errno, \
          (err));                                                                                               \
  } while (0)

static size_t case_overflow(void) {
  const size_t H = (size_t)PTRDIFF_MAX;
  EXPECT_NULL(malloc(SIZE_MAX), ENOMEM);
  EXPECT_NULL(malloc(SIZE_MAX - 4095), ENOMEM);
  EXPECT_NULL(malloc(H), ENOMEM);
  EXPECT_NULL(malloc(H + 1), ENOMEM);
  EXPECT_NULL(malloc((size_t)1 << 62), ENOMEM);
  EXPECT_NULL(calloc(SIZE_MAX / 2 + 1, 2), ENOMEM);
  EXPECT_NULL(calloc((size_t)1 << 33, (size_t)1 << 33), ENOMEM);
  EXPECT_NULL(calloc(SIZE_MAX, SIZE_MAX), ENOMEM);
  EXPECT_NULL(calloc(1, SIZE_MAX), ENOMEM);
  EXPECT_NULL(reallocarray(NULL, SIZE_MAX / 2, 3), ENOMEM);
  EXPECT_NULL(valloc(SIZE_MAX), ENOMEM);
  EXPECT_NULL(pvalloc(SIZE_MAX), ENOMEM);
  EXPECT_NULL(aligned_alloc(64, SIZE_MAX), ENOMEM);
  EXPECT_NULL(memalign(64, SIZE_MAX), ENOMEM);
  EXPECT_NULL(aligned_alloc(4096, H), ENOMEM);
  void *out = (void *)0x1234;
  CHECK(posix_memalign(&out, 64, SIZE_MAX) == ENOMEM && out == (void *)0x1234, "posix_memalign(64, SIZE_MAX)");
  CHECK(posix_memalign(&out, 4096, H) == ENOMEM && out == (void *)0x1234, "posix_memalign(4096, PTRDIFF_MAX)");
  /* A failed realloc/reallocarray leaves the block as it was. */
  size_t sizes[] = { 24, 5000, 100000, (size_t)1 << 20 };
  for (size_t k = 0; k < 4; k++) {
    unsigned char *p = malloc(sizes[k]);
    CHECK(p != NULL, "malloc");
    hk_fill(p, sizes[k], k);
    EXPECT_NULL(reallocarray(p, SIZE_MAX / 2, 3), ENOMEM);
    EXPECT_NULL(reallocarray(p, (size_t)1 << 40, (size_t)1 << 40), ENOMEM);
    EXPECT_NULL(realloc(p, SIZE_MAX), ENOMEM);
    EXPECT_NULL(realloc(p, H + 1), ENOMEM);
    CHECK_PATTERN(p, sizes[k], k);
    unsigned char *q = reallocarray(p, 2, sizes[k]); /* a valid one still works */
    CHECK(q != NULL, "reallocarray(p, 2, %zu)", sizes[k]);
    CHECK_PATTERN(q, sizes[k], k);
    free(q);
  }
  return 24;
}

static size_t case_bad_alignment(void) {
  static const size_t bad_pm[] = { 0, 1, 2, 4, 3, 12, 24, 48, 100, 4097, (size_t)3 << 20 };
  for (size_t i = 0; i < sizeof bad_pm / sizeof bad_pm[0]; i++) {
    void *out = (void *)0x1234;
    int e = errno = 77;
    int rc = posix_memalign(&out, bad_pm[i], 64);
    CHECK(rc == EINVAL, "posix_memalign(alignment %zu) = %d, expected EINVAL", bad_pm[i], rc);
    CHECK(out == (void *)0x1234, "posix_memalign(alignment %zu) wrote *out on failure", bad_pm[i]);
    CHECK(errno == e, "posix_memalign changed errno");
  }
  static const size_t bad_aa[] = { 0, 3, 12, 24, 48, 100, 4097 };
  for (size_t i = 0; i < sizeof bad_aa / sizeof bad_aa[0]; i++) EXPECT_NULL(aligned_alloc(bad_aa[i], 96), EINVAL);
  /* memalign rounds a non-power of two up (glibc's behaviour) */
  unsigned char *m = memalign(24, 100);
  CHECK(m != NULL && ((uintptr_t)m & 31) == 0, "memalign(24, 100) = %p, expected 32-byte aligned", (void *)m);
  free(m);
  /* small alignments that are powers of two are fine everywhere */
  for (size_t a = 1; a <= 4096; a <<= 1) {
    void *p = aligned_alloc(a, 3 * a);
    CHECK(p != NULL && ((uintptr_t)p & (a - 1)) == 0, "aligned_alloc(%zu) = %p", a, p);
    free(p);
  }
  return 96;
}

static size_t case_huge_alignment(void) {
  /* Valid but large alignments work and free cleanly. */
  static const size_t ok[] = { (size_t)1 << 16, (size_t)1 << 21, (size_t)1 << 22, (size_t)1 << 25 };
  for (size_t i = 0; i < 4; i++) {
    void *p = NULL;
    CHECK(posix_memalign(&p, ok[i], 1000) == 0, "posix_memalign(%zu, 1000)", ok[i]);
    CHECK(((uintptr_t)p & (ok[i] - 1)) == 0, "posix_memalign(%zu) = %p misaligned", ok[i], p);
    memset(p, 1, 1000);
    void *q = aligned_alloc(ok[i], ok[i]);
    CHECK(q != NULL && ((uintptr_t)q & (ok[i] - 1)) == 0, "aligned_alloc(%zu) = %p", ok[i], q);
    free(p);
    free(q);
  }
  /* Alignments no address space can satisfy fail cleanly. */
  static const size_t huge[] = { (size_t)1 << 48, (size_t)1 << 62, (size_t)1 << 63 };
  for (size_t i = 0; i < 3; i++) {
    void *out = (void *)0x1234;
    int rc = posix_memalign(&out, huge[i], 64);
    CHECK((rc == ENOMEM || rc == EINVAL) && out == (void *)0x1234,
          "posix_memalign(alignment 2^%d) = %d (out %p), expected ENOMEM or EINVAL", __builtin_ctzll(huge[i]), rc, out);
    errno = 0;
    void *r = aligned_alloc(huge[i], 64);
    CHECK(r == NULL && (errno == ENOMEM || errno == EINVAL), "aligned_alloc(2^%d) = %p errno %d",
          __builtin_ctzll(huge[i]), r, errno);
    errno = 0;
    r = memalign(huge[i], 64);
    CHECK(r == NULL && (errno == ENOMEM || errno == EINVAL), "memalign(2^%d) = %p errno %d", __builtin_ctzll(huge[i]),
          r, errno);
  }
  errno = 0;
  void *r = memalign(SIZE_MAX, 64);
  CHECK(r == NULL && (errno == EINVAL || errno == ENOMEM), "memalign(SIZE_MAX) = %p errno %d", r, errno);
  return 64;
}

/* Size 0 at every alignment: a real, unique, freeable block (docs/bad-input.md: malloc(0) is a 16-byte block). */
static size_t case_aligned_zero(void) {
  for (size_t a = 16; a <= ((size_t)4 << 20); a <<= 1) {
    void *p = NULL;
    CHECK(posix_memalign(&p, a, 0) == 0 && p != NULL, "posix_memalign(%zu, 0)", a);
    void *q = aligned_alloc(a, 0), *m = memalign(a, 0);
    CHECK(q != NULL && m != NULL, "aligned_alloc/memalign(%zu, 0)", a);
    CHECK(malloc_usable_size(p) >= 1 && malloc_usable_size(q) >= 1 && malloc_usable_size(m) >= 1,
          "size 0 at alignment %zu: usable sizes %zu %zu %zu (a block with no usable byte)", a, malloc_usable_size(p),
          malloc_usable_size(q), malloc_usable_size(m));
    *(volatile char *)p = 1;
    free(p);
    free(q);
    free(m);
  }
  return 16;
}

static const struct {
  const char *name;
  size_t (*fn)(void);
} cases[] = {
  { "aligned-zero", case_aligned_zero },
  { "free-foreign-mmap", case_free_foreign_mmap },
  { "free-foreign-global", case_free_foreign_global },
  { "free-stack", case_free_stack },
  { "free-glibc-heap", case_free_glibc_heap },
  { "free-interior-small", case_free_interior_small },
  { "free-interior-odd", case_free_interior_odd },
  { "free-interior-whole", case_free_interior_whole },
  { "free-interior-large", case_free_interior_large },
  { "double-free-small", case_double_free_small },
  { "free-interior-aligned", case_free_interior_aligned },
  { "double-free-aligned", case_double_free_aligned },
  { "double-free-cross-thread", case_double_free_cross_thread },
  { "double-free-whole", case_double_free_whole },
  { "double-free-large", case_double_free_large },
  { "double-free-huge", case_double_free_huge },
  { "realloc-freed", case_realloc_freed },
  { "realloc-foreign", case_realloc_foreign },
  { "realloc-interior", case_realloc_interior },
  { "report-once", case_report_once },
  { "free-null", case_free_null },
  { "malloc-zero", case_malloc_zero },
  { "realloc-zero", case_realloc_zero },
  { "overflow", case_overflow },
  { "bad-alignment", case_bad_alignment },
  { "huge-alignment", case_huge_alignment },
};

int main(int argc, char **argv) {
  hk_require_hakmem();
  const char *which = argc > 1 ? argv[1] : "";
  if (!strcmp(which, "list")) {
    printf("cases:\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) printf("%s\n", cases[i].name);
    return 0;
  }
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    if (!strcmp(which, cases[i].name)) {
      size_t victim = cases[i].fn();
      integrity(victim);
      hk_done();
    }
  FAIL("unknown case '%s' (bad_input list prints them)", which);
}
