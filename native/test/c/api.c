/* api.c: the malloc family's contract, single-threaded.
 * Usage: api   (prints "ok <n> checks" on success) */
#include "hk_test.h"

#include <malloc.h>
#include <stdalign.h>
#include <stddef.h>

/* C23; absent from glibc 2.36 headers. Weak: NULL where nobody defines them. */
extern void free_sized(void *, size_t) __attribute__((weak));
extern void free_aligned_sized(void *, size_t, size_t) __attribute__((weak));
/* glibc's <malloc.h> declares it, musl's does not; hakmem defines it everywhere. */
extern void *pvalloc(size_t);

static size_t page;

/* Volatile sizes keep the compiler from reasoning about (or warning on) huge requests. */
static volatile size_t v_size_max = SIZE_MAX;
static volatile size_t v_ptrdiff_max = PTRDIFF_MAX;

static void check_min_alignment(void *p, size_t n) {
  uintptr_t a = (uintptr_t)p;
  if (n >= 16) CHECK(a % 16 == 0, "malloc(%zu)=%p is not 16-byte aligned", n, p);
  else if (n >= 8) CHECK(a % 8 == 0, "malloc(%zu)=%p is not 8-byte aligned", n, p);
}

/* Fills a block's whole usable size, so overlapping blocks corrupt each other. */
static size_t fill_block(void *p, size_t n, uint64_t seed) {
  size_t u = malloc_usable_size(p);
  CHECK(u >= n, "malloc_usable_size(%p)=%zu < requested %zu", p, u, n);
  hk_fill(p, u, seed);
  return u;
}

#define N_SPREAD 2048
static void test_sizes(void) {
  enum { NSMALL = 2049 };
  static void *blk[NSMALL + N_SPREAD];
  static size_t sz[NSMALL + N_SPREAD], us[NSMALL + N_SPREAD];
  size_t n = 0;
  for (size_t s = 0; s <= 2048; s++) sz[n++] = s;
  for (size_t s = 2049; s <= 70000; s += 61) sz[n++] = s;
  for (size_t k = 11; k <= 16; k++)
    for (long d = -1; d <= 1; d++) sz[n++] = ((size_t)1 << k) + (size_t)d;
  sz[n++] = 70000;
  CHECK(n <= NSMALL + N_SPREAD, "size table overflow");

  for (size_t i = 0; i < n; i++) {
    blk[i] = malloc(sz[i]);
    CHECK(blk[i] != NULL, "malloc(%zu) returned NULL", sz[i]);
    check_min_alignment(blk[i], sz[i]);
    us[i] = fill_block(blk[i], sz[i], i);
  }
  for (size_t i = 0; i < n; i++) CHECK_PATTERN(blk[i], us[i], i);
  /* Free every other block, reallocate those sizes in reverse order, verify everything. */
  for (size_t i = 0; i < n; i += 2) free(blk[i]);
  for (size_t j = n; j-- > 0;) {
    if (j % 2) continue;
    blk[j] = malloc(sz[j]);
    CHECK(blk[j] != NULL, "malloc(%zu) returned NULL", sz[j]);
    check_min_alignment(blk[j], sz[j]);
    us[j] = fill_block(blk[j], sz[j], j + 100000);
  }
  for (size_t i = 0; i < n; i++) CHECK_PATTERN(blk[i], us[i], i % 2 ? i : i + 100000);
  for (size_t i = 0; i < n; i++) free(blk[i]);
}

/* Each size class's edges, when the core probes exist. */
static void test_class_edges(void) {
  int64_t classes = 0;
  if (!hk_probe("core", "classes", 0, &classes)) return;
  CHECK(classes > 0 && classes < 4096, "core/classes probe says %lld", (long long)classes);
  int64_t prev = 0;
  for (int64_t c = 0; c < classes; c++) {
    int64_t cs = 0, stride = 0, back = -2;
    CHECK(hk_probe("core", "class_size", c, &cs), "core/class_size(%lld) failed", (long long)c);
    CHECK(hk_probe("core", "class_stride", c, &stride), "core/class_stride(%lld) failed", (long long)c);
    CHECK(stride >= cs && stride - cs <= 64, "class %lld: stride %lld for size %lld", (long long)c, (long long)stride,
          (long long)cs);
    CHECK(cs > prev, "class sizes not increasing: class %lld is %lld after %lld", (long long)c, (long long)cs,
          (long long)prev);
    CHECK(hk_probe("core", "class_of", cs, &back) && back == c, "core/class_of(%lld)=%lld, expected class %lld",
          (long long)cs, (long long)back, (long long)c);
    for (int64_t d = -1; d <= 1; d++) {
      size_t n = (size_t)(cs + d);
      void *a = malloc(n), *b = malloc(n), *c2 = malloc(n);
      CHECK(a && b && c2, "malloc(%zu) at class edge returned NULL", n);
      size_t ua = fill_block(a, n, 1), ub = fill_block(b, n, 2), uc = fill_block(c2, n, 3);
      /* a size at or just below the class size fills the class's stride, less the block box's
       * tail (which moves the class's top sizes to the next class) */
      int64_t tail = hk_test_tail();
      if (d <= 0 && (int64_t)n + tail <= cs && n >= 16)
        CHECK(ua == (size_t)(stride - tail), "usable %zu of malloc(%zu) is not the class's stride %lld less %lld", ua,
              n, (long long)stride, (long long)tail);
      CHECK_PATTERN(a, ua, 1);
      CHECK_PATTERN(b, ub, 2);
      CHECK_PATTERN(c2, uc, 3);
      free(b);
      free(a);
      free(c2);
    }
    prev = cs;
  }
}

static void test_malloc0(void) {
  void *a = malloc(0), *b = malloc(0);
  CHECK(a != NULL && b != NULL, "malloc(0) returned NULL");
  CHECK(a != b, "two live malloc(0) blocks share the address %p", a);
  free(a);
  free(b);
  void *c = calloc(0, 0);
  CHECK(c != NULL, "calloc(0,0) returned NULL");
  free(c);
}

/* Compared with a page of zeros (glibc's memcmp): a byte at a time, this was a tenth of api.c's time. */
static int all_zero(const void *p, size_t n) {
  static const unsigned char zero[4096];
  const unsigned char *b = p;
  for (size_t at = 0; at < n; at += sizeof zero)
    if (memcmp(b + at, zero, n - at < sizeof zero ? n - at : sizeof zero)) return 0;
  return 1;
}

static void test_calloc(void) {
  static const size_t sizes[] = { 1,    7,    8,    16,    24,    100,    512,     1000,
                                  2048, 4000, 8192, 30000, 65536, 100000, 1 << 20, (8 << 20) + 123 };
  enum { NS = sizeof sizes / sizeof sizes[0], ROUNDS = 8, BIG_ROUNDS = 2 };
  for (int round = 0; round < ROUNDS; round++) {
    /* The sizes of 1 MiB and more (large blocks, each page a fault to touch; the last of the
     * table) take part in the first rounds only: a second already gets what the first dirtied. */
    size_t ns = NS;
    if (round >= BIG_ROUNDS)
      while (ns && sizes[ns - 1] >= ((size_t)1 << 20)) ns--;
    void *dirty[NS][4];
    for (size_t i = 0; i < ns; i++)
      for (int k = 0; k < 4; k++) {
        dirty[i][k] = malloc(sizes[i]);
        CHECK(dirty[i][k] != NULL, "malloc(%zu) returned NULL", sizes[i]);
        memset(dirty[i][k], 0xA5, malloc_usable_size(dirty[i][k]));
      }
    for (size_t i = 0; i < ns; i++)
      for (int k = 0; k < 4; k++) free(dirty[i][k]);
    /* The same sizes again: the allocator will likely hand back the dirty blocks. */
    for (size_t i = 0; i < ns; i++)
      for (int k = 0; k < 4; k++) {
        size_t nmemb = (k & 1) ? sizes[i] : 1, each = (k & 1) ? 1 : sizes[i];
        unsigned char *p = calloc(nmemb, each);
        CHECK(p != NULL, "calloc(%zu,%zu) returned NULL", nmemb, each);
        CHECK(all_zero(p, sizes[i]), "calloc(%zu,%zu) returned non-zero memory (round %d)", nmemb, each, round);
        dirty[i][k] = p;
      }
    for (size_t i = 0; i < ns; i++)
      for (int k = 0; k < 4; k++) free(dirty[i][k]);
  }
  /* Overflow of nmemb * size. */
  struct {
    size_t n, s;
  } ov[] = {
    { v_size_max, 2 },     { v_size_max / 2 + 1, 2 }, { (size_t)1 << 32, (size_t)1 << 32 },
    { v_size_max / 3, 4 }, { 2, v_size_max },         { v_size_max, v_size_max },
  };
  for (size_t i = 0; i < sizeof ov / sizeof ov[0]; i++) {
    errno = 0;
    void *p = calloc(ov[i].n, ov[i].s);
    CHECK(p == NULL, "calloc(%zu,%zu) overflows but returned %p", ov[i].n, ov[i].s, p);
    CHECK(errno == ENOMEM, "calloc(%zu,%zu): errno %d, expected ENOMEM", ov[i].n, ov[i].s, errno);
  }
  /* Products that fit but are far too large. */
  errno = 0;
  CHECK(calloc(v_ptrdiff_max / 4 + 1, 2) == NULL && errno == ENOMEM, "calloc(2^61, 2): errno %d", errno);
  errno = 0;
  CHECK(calloc(v_ptrdiff_max, 1) == NULL && errno == ENOMEM, "calloc(PTRDIFF_MAX, 1): errno %d", errno);
}

static void test_huge(void) {
  const size_t huge[] = { v_size_max,
                          v_size_max - 1,
                          v_size_max - 15,
                          v_size_max - 4095,
                          v_size_max - ((size_t)2 << 20),
                          v_size_max - ((size_t)64 << 20),
                          v_ptrdiff_max + 1,
                          v_ptrdiff_max,
                          (size_t)1 << 62 };
  for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
    size_t n = huge[i];
    void *p;
    errno = 0;
    p = malloc(n);
    CHECK(p == NULL && errno == ENOMEM, "malloc(%#zx) = %p, errno %d (want NULL, ENOMEM)", n, p, errno);
    errno = 0;
    p = aligned_alloc(64, n & ~(size_t)63);
    CHECK(p == NULL && errno == ENOMEM, "aligned_alloc(64, %#zx) = %p, errno %d", n & ~(size_t)63, p, errno);
    errno = 0;
    p = memalign(4096, n);
    CHECK(p == NULL && errno == ENOMEM, "memalign(4096, %#zx) = %p, errno %d", n, p, errno);
    errno = 0;
    p = valloc(n);
    CHECK(p == NULL && errno == ENOMEM, "valloc(%#zx) = %p, errno %d", n, p, errno);
    errno = 0;
    p = pvalloc(n);
    CHECK(p == NULL && errno == ENOMEM, "pvalloc(%#zx) = %p, errno %d", n, p, errno);
    void *q = (void *)0x1;
    int rc = posix_memalign(&q, 64, n);
    CHECK(rc == ENOMEM, "posix_memalign(64, %#zx) returned %d, want ENOMEM", n, rc);
    /* realloc failure keeps the old block intact. */
    void *old = malloc(100);
    CHECK(old != NULL, "malloc(100)");
    hk_fill(old, 100, 77);
    errno = 0;
    p = realloc(old, n);
    CHECK(p == NULL && errno == ENOMEM, "realloc(p, %#zx) = %p, errno %d", n, p, errno);
    CHECK_PATTERN(old, 100, 77);
    free(old);
  }
  /* A huge power-of-two alignment. */
  void *q = NULL;
  int rc = posix_memalign(&q, (size_t)1 << 62, 16);
  CHECK(rc == ENOMEM || rc == EINVAL, "posix_memalign(1<<62, 16) returned %d", rc);
}

static void test_reallocarray(void) {
  errno = 0;
  void *p = reallocarray(NULL, v_size_max / 2, 3);
  CHECK(p == NULL && errno == ENOMEM, "reallocarray(NULL, SIZE_MAX/2, 3) = %p, errno %d", p, errno);
  unsigned *a = reallocarray(NULL, 100, sizeof *a);
  CHECK(a != NULL, "reallocarray(NULL, 100, 4) returned NULL");
  for (unsigned i = 0; i < 100; i++) a[i] = i * 2654435761u;
  errno = 0;
  p = reallocarray(a, v_size_max >> 31, (size_t)1 << 33);
  CHECK(p == NULL && errno == ENOMEM, "reallocarray overflow = %p, errno %d", p, errno);
  for (unsigned i = 0; i < 100; i++) CHECK(a[i] == i * 2654435761u, "reallocarray failure changed the block");
  unsigned *b = reallocarray(a, 100000, sizeof *b);
  CHECK(b != NULL, "reallocarray grow returned NULL");
  for (unsigned i = 0; i < 100; i++) CHECK(b[i] == i * 2654435761u, "reallocarray grow lost data at %u", i);
  free(b);
}

static void test_realloc(void) {
  /* Grow through every regime, then shrink back, keeping the common prefix. */
  static const size_t chain[] = { 1,
                                  8,
                                  15,
                                  16,
                                  17,
                                  48,
                                  100,
                                  255,
                                  256,
                                  1000,
                                  1024,
                                  2048,
                                  4096,
                                  5000,
                                  16384,
                                  40000,
                                  65536,
                                  70000,
                                  200000,
                                  1 << 20,
                                  (3 << 20) + 5,
                                  8 << 20,
                                  (8 << 20) + 4096,
                                  16 << 20 };
  enum { NC = sizeof chain / sizeof chain[0] };
  for (int pass = 0; pass < 3; pass++) {
    uint64_t seed = 1000 + (uint64_t)pass;
    unsigned char *p = realloc(NULL, chain[0]);
    CHECK(p != NULL, "realloc(NULL, %zu) returned NULL", chain[0]);
    hk_fill(p, chain[0], seed);
    size_t have = chain[0];
    for (size_t i = 1; i < NC; i++) {
      unsigned char *q = realloc(p, chain[i]);
      CHECK(q != NULL, "realloc(%zu -> %zu) returned NULL", have, chain[i]);
      CHECK_PATTERN(q, have, seed);
      CHECK(malloc_usable_size(q) >= chain[i], "usable size after realloc < %zu", chain[i]);
      hk_fill(q, chain[i], seed);
      p = q;
      have = chain[i];
    }
    for (size_t i = NC - 1; i-- > 0;) {
      unsigned char *q = realloc(p, chain[i]);
      CHECK(q != NULL, "realloc(%zu -> %zu) returned NULL", have, chain[i]);
      CHECK_PATTERN(q, chain[i], seed);
      p = q;
      have = chain[i];
    }
    /* Skip straight from large to tiny and back. */
    unsigned char *q = realloc(p, (size_t)8 << 20);
    CHECK(q != NULL, "realloc to 8 MiB");
    CHECK_PATTERN(q, have, seed);
    hk_fill(q, (size_t)8 << 20, seed + 1);
    p = realloc(q, 24);
    CHECK(p != NULL, "realloc 8 MiB -> 24");
    CHECK_PATTERN(p, 24, seed + 1);
    free(p);
  }
  /* Same-size and tiny-step reallocs. */
  unsigned char *p = malloc(300);
  CHECK(p != NULL, "malloc(300)");
  hk_fill(p, 300, 5);
  for (size_t n = 300; n < 3000; n += 3) {
    p = realloc(p, n);
    CHECK(p != NULL, "realloc(%zu)", n);
    CHECK_PATTERN(p, 300, 5);
  }
  p = realloc(p, 3000);
  CHECK(p != NULL, "realloc same size");
  CHECK_PATTERN(p, 300, 5);
  /* realloc(p, 0): glibc frees and returns NULL; a unique pointer is also accepted. */
  void *z = realloc(p, 0);
  if (z) free(z);
  z = realloc(malloc((size_t)4 << 20), 0);
  if (z) free(z);
  /* realloc(NULL, 0) behaves as malloc(0). */
  z = realloc(NULL, 0);
  CHECK(z != NULL, "realloc(NULL, 0) returned NULL");
  free(z);
}

/* The pattern of an aligned block: every byte up to 64 KiB; past that its first and last 4 KiB
 * and a byte every 64 KiB, which catch a shared page at a sixteenth of the page faults (the
 * multi-MiB blocks of 4 MiB alignments were a fifth of this program's time). */
enum { SPAN_FULL = 64 << 10, SPAN_EDGE = 4 << 10 };
static size_t span_next(size_t i, size_t n) {
  if (n <= SPAN_FULL || i + 1 < SPAN_EDGE || i + 1 >= n - SPAN_EDGE) return i + 1;
  size_t next = (i / SPAN_FULL + 1) * SPAN_FULL; /* the next mark, or the tail's first byte */
  return next < n - SPAN_EDGE ? next : n - SPAN_EDGE;
}
static void fill_span(void *p, size_t n, uint64_t seed) {
  unsigned char *b = p;
  for (size_t i = 0; i < n; i = span_next(i, n)) b[i] = hk_pat(seed, i);
}
static size_t verify_span(const void *p, size_t n, uint64_t seed) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i = span_next(i, n))
    if (b[i] != hk_pat(seed, i)) return i;
  return (size_t)-1;
}
#define CHECK_SPAN(p, n, seed)                                                                               \
  do {                                                                                                       \
    size_t bad_ = verify_span((p), (n), (seed));                                                             \
    CHECK(bad_ == (size_t)-1, "block %p (%zu bytes) corrupted at byte %zu", (void *)(p), (size_t)(n), bad_); \
  } while (0)

static void check_aligned_block(const char *fn, void *p, size_t align, size_t n, uint64_t seed) {
  CHECK(p != NULL, "%s(align %zu, size %zu) returned NULL", fn, align, n);
  CHECK(((uintptr_t)p & (align - 1)) == 0, "%s(align %zu, size %zu) = %p: misaligned", fn, align, n, p);
  size_t u = malloc_usable_size(p);
  CHECK(u >= n, "%s(align %zu, size %zu): usable size %zu", fn, align, n, u);
  fill_span(p, n, seed);
}

/* Alignments above 64 are cut from a bigger slab block; many tiny ones side by side must each
 * own their byte (none may be the next block's start) and free without a report. */
static void test_aligned_tiny(void) {
  enum { N = 600 };
  static unsigned char *keep[N];
  for (size_t align = 128; align <= 4096; align *= 2) {
    for (int i = 0; i < N; i++) {
      void *p = NULL;
      CHECK(posix_memalign(&p, align, (size_t)(i & 1)) == 0, "posix_memalign(%zu, %d)", align, i & 1);
      CHECK(((uintptr_t)p & (align - 1)) == 0, "posix_memalign(%zu) = %p: misaligned", align, p);
      CHECK(malloc_usable_size(p) >= 1, "posix_memalign(%zu, 0): usable size 0", align);
      keep[i] = p;
      keep[i][0] = (unsigned char)i;
    }
    for (int i = 0; i < N; i++)
      CHECK(keep[i][0] == (unsigned char)i, "aligned block %p (align %zu) was overwritten", (void *)keep[i], align);
    for (int i = 0; i < N; i++) free(keep[i]);
  }
}

static void test_posix_memalign(void) {
  for (size_t align = sizeof(void *); align <= ((size_t)4 << 20); align *= 2) {
    const size_t sizes[] = { 0, 1, 8, align / 2 + 1, align - 1, align, align + 1, 3 * align + 7, 100, 5000 };
    enum { NS = sizeof sizes / sizeof sizes[0] };
    void *blk[NS][2];
    for (size_t i = 0; i < NS; i++)
      for (int k = 0; k < 2; k++) {
        void *p = NULL;
        int rc = posix_memalign(&p, align, sizes[i]);
        CHECK(rc == 0, "posix_memalign(align %zu, size %zu) returned %d", align, sizes[i], rc);
        check_aligned_block("posix_memalign", p, align, sizes[i], align + i * 2 + (size_t)k);
        blk[i][k] = p;
      }
    for (size_t i = 0; i < NS; i++)
      for (int k = 0; k < 2; k++) CHECK_SPAN(blk[i][k], sizes[i], align + i * 2 + (size_t)k);
    for (size_t i = 0; i < NS; i++)
      for (int k = 0; k < 2; k++) free(blk[i][k]);
  }
  /* Bad alignments: not a power of two, or not a multiple of sizeof(void *). */
  static const size_t bad[] = { 0, 1, 2, 4, 3, 12, 24, 48, 96, 4095, 4097, 65535, 3 << 20 };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    void *p = (void *)0x1;
    int rc = posix_memalign(&p, bad[i], 64);
    CHECK(rc == EINVAL, "posix_memalign(align %zu) returned %d, want EINVAL", bad[i], rc);
  }
  /* posix_memalign(…, 0) succeeds with a freeable pointer or NULL. */
  void *p = (void *)0x1;
  CHECK(posix_memalign(&p, 64, 0) == 0, "posix_memalign(64, 0) failed");
  free(p);
}

static void test_other_aligned(void) {
  for (size_t align = 1; align <= ((size_t)1 << 20); align *= 2) {
    const size_t sizes[] = { align, 2 * align, 4 * align + align };
    for (size_t i = 0; i < 3; i++) {
      void *a = aligned_alloc(align, sizes[i]);
      check_aligned_block("aligned_alloc", a, align, sizes[i], 11);
      void *m = memalign(align, sizes[i] + 3);
      check_aligned_block("memalign", m, align, sizes[i] + 3, 12);
      CHECK_SPAN(a, sizes[i], 11);
      free(a);
      free(m);
    }
  }
  for (size_t n = 0; n <= 3 * page + 1; n += page / 2 + 1) {
    void *v = valloc(n);
    check_aligned_block("valloc", v, page, n, 13);
    void *pv = pvalloc(n);
    size_t rounded = (n + page - 1) & ~(page - 1);
    check_aligned_block("pvalloc", pv, page, rounded, 14);
    free(v);
    free(pv);
  }
  /* Aligned blocks go through realloc like any other. */
  void *a = aligned_alloc(4096, 8192);
  CHECK(a != NULL, "aligned_alloc(4096, 8192)");
  hk_fill(a, 8192, 15);
  void *r = realloc(a, 100000);
  CHECK(r != NULL, "realloc of an aligned block");
  CHECK_PATTERN(r, 8192, 15);
  r = realloc(r, 50);
  CHECK(r != NULL, "realloc of an aligned block to 50");
  CHECK_PATTERN(r, 50, 15);
  free(r);
}

static void test_usable_size(void) {
  CHECK(malloc_usable_size(NULL) == 0, "malloc_usable_size(NULL) != 0");
  void *keep[64];
  for (int i = 0; i < 64; i++) {
    size_t n = (size_t)i * i * 37 + 1;
    keep[i] = malloc(n);
    CHECK(keep[i] != NULL, "malloc(%zu)", n);
    size_t u = malloc_usable_size(keep[i]);
    CHECK(u >= n && u <= 2 * n + 65536, "malloc_usable_size(malloc(%zu)) = %zu", n, u);
    hk_fill(keep[i], u, (uint64_t)i); /* all of it is writable */
  }
  for (int i = 0; i < 64; i++) {
    CHECK_PATTERN(keep[i], malloc_usable_size(keep[i]), (uint64_t)i);
    free(keep[i]);
  }
}

static void test_free_errno(void) {
  free(NULL);
  static const size_t sizes[] = { 1, 64, 1000, 40000, 300000, 1 << 20, 16 << 20 };
  for (int rep = 0; rep < 3; rep++)
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
      void *p = malloc(sizes[i]);
      CHECK(p != NULL, "malloc(%zu)", sizes[i]);
      memset(p, 1, sizes[i]);
      errno = 1234;
      free(p);
      CHECK(errno == 1234, "free(malloc(%zu)) changed errno to %d", sizes[i], errno);
      void *a = NULL;
      CHECK(posix_memalign(&a, 1 << 16, sizes[i]) == 0, "posix_memalign(64K, %zu)", sizes[i]);
      errno = 1234;
      free(a);
      CHECK(errno == 1234, "free(posix_memalign(64K, %zu)) changed errno to %d", sizes[i], errno);
      errno = 1234;
      free(NULL);
      CHECK(errno == 1234, "free(NULL) changed errno to %d", errno);
    }
}

static void test_free_sized(void) {
  void (*fs)(void *, size_t) = free_sized;
  void (*fas)(void *, size_t, size_t) = free_aligned_sized;
  if (!fs) fs = (void (*)(void *, size_t))dlsym(RTLD_DEFAULT, "free_sized");
  if (!fas) fas = (void (*)(void *, size_t, size_t))dlsym(RTLD_DEFAULT, "free_aligned_sized");
  if (!hk_glibc_mode) {
    CHECK(fs != NULL, "free_sized is not defined (hakmem must export it)");
    CHECK(fas != NULL, "free_aligned_sized is not defined (hakmem must export it)");
  }
  if (fs)
    for (size_t n = 1; n < 200000; n = n * 3 + 1) {
      void *p = malloc(n);
      CHECK(p != NULL, "malloc(%zu)", n);
      memset(p, 2, n);
      errno = 1234;
      fs(p, n);
      CHECK(errno == 1234, "free_sized changed errno");
      fs(NULL, n);
    }
  if (fas)
    for (size_t align = 16; align <= 65536; align *= 4)
      for (size_t n = align; n < 300000; n = n * 5) {
        void *p = aligned_alloc(align, n);
        CHECK(p != NULL, "aligned_alloc(%zu, %zu)", align, n);
        memset(p, 3, n);
        fas(p, align, n);
        fas(NULL, align, n);
      }
}

static void test_large(void) {
  static const size_t mib[] = { 1, 2, 3, 4, 7, 8, 16, 31, 32, 64 };
  enum { NL = sizeof mib / sizeof mib[0] };
  /* Two rounds: the second gets blocks of the sizes the first freed (the large cache's reuse),
   * one round sized past a page boundary (+100), one exactly. Each block carries the span
   * pattern (fill_span: its edges and a byte every 64 KiB), which blocks that overlapped or
   * shared pages would clobber, at a sixteenth of the page faults of touching every page. */
  for (int round = 0; round < 2; round++) {
    void *blk[NL];
    for (size_t i = 0; i < NL; i++) {
      size_t n = (mib[i] << 20) + (round & 1 ? 0 : 100);
      blk[i] = malloc(n);
      CHECK(blk[i] != NULL, "malloc(%zu MiB) returned NULL", mib[i]);
      fill_span(blk[i], n, i);
    }
    for (size_t i = 0; i < NL; i++) {
      CHECK_SPAN(blk[i], (mib[i] << 20) + (round & 1 ? 0 : 100), i);
      free(blk[i]);
    }
  }
  /* Many mid/large blocks live at once, freed in interleaved order. */
  void *many[48];
  for (int i = 0; i < 48; i++) {
    size_t n = ((size_t)(i % 6) + 1) * 300000;
    many[i] = malloc(n);
    CHECK(many[i] != NULL, "malloc(%zu)", n);
    hk_fill(many[i], 4096, (uint64_t)i);
  }
  for (int i = 0; i < 48; i += 2) {
    CHECK_PATTERN(many[i], 4096, (uint64_t)i);
    free(many[i]);
  }
  for (int i = 1; i < 48; i += 2) {
    CHECK_PATTERN(many[i], 4096, (uint64_t)i);
    free(many[i]);
  }
}

int main(void) {
  hk_require_hakmem();
  page = (size_t)sysconf(_SC_PAGESIZE);
  test_sizes();
  test_class_edges();
  test_malloc0();
  test_calloc();
  test_huge();
  test_reallocarray();
  test_realloc();
  test_posix_memalign();
  test_other_aligned();
  test_usable_size();
  test_aligned_tiny();
  test_free_errno();
  test_free_sized();
  test_large();
  hk_done();
}
