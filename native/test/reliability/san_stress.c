/* san_stress.c — drives the allocator, linked in with prefixed names (hk_prefixed.h), through
 * everything its own code does: the whole malloc family, cross-thread frees, thread exit and
 * adoption of orphaned heaps, and the lock-free shared pool and the large cache under
 * contention. Built with -fsanitize=address or -fsanitize=thread (the allocator's unit too) by
 * native/test/sanitizers.test.ts; any sanitizer report fails the run. Contents are checked on
 * every free, so it is also a correctness test.
 *
 * Usage: san_stress <phase|all> [scale=1]
 *   phases: api xthread churn pool orphan (a checker thread checks every heap throughout)
 *   scale multiplies each phase's operations, rounds or thread generations (0.5: half, at
 *   least one of each)
 * Prints "phase <name> ok" per phase and "ok <n> checks" at the end. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hk_prefixed.h"

static _Atomic unsigned long checks;

#define CHECK(cond, ...)                                                            \
  do {                                                                              \
    __atomic_fetch_add(&checks, 1, __ATOMIC_RELAXED);                               \
    if (__builtin_expect(!(cond), 0)) {                                             \
      fprintf(stderr, "FAIL %s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                                 \
      fputc('\n', stderr);                                                          \
      _exit(1);                                                                     \
    }                                                                               \
  } while (0)

static inline uint64_t rnd(uint64_t *s) {
  uint64_t x = *s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * 0x2545F4914F6CDD1DULL;
}

static inline unsigned char pat(uint64_t seed, size_t i) {
  return (unsigned char)(seed * 131u + i * 7u + (i >> 8) * 13u);
}

/* Head and tail of a block carry the pattern (whole block when small): cheap, catches overlap. */
#define EDGE 256
static void fill(unsigned char *p, size_t n, uint64_t seed) {
  if (n <= 2 * EDGE) {
    for (size_t i = 0; i < n; i++) p[i] = pat(seed, i);
    return;
  }
  for (size_t i = 0; i < EDGE; i++) p[i] = pat(seed, i);
  for (size_t i = n - EDGE; i < n; i++) p[i] = pat(seed, i);
}
static void verify(const unsigned char *p, size_t n, uint64_t seed) {
  size_t lim = n <= 2 * EDGE ? n : EDGE;
  for (size_t i = 0; i < lim; i++) CHECK(p[i] == pat(seed, i), "block %p (%zu bytes) byte %zu", (void *)p, n, i);
  if (n > 2 * EDGE)
    for (size_t i = n - EDGE; i < n; i++) CHECK(p[i] == pat(seed, i), "block %p (%zu bytes) byte %zu", (void *)p, n, i);
}

typedef struct {
  unsigned char *p;
  size_t n;
  uint64_t seed;
} blk_t;

static blk_t blk_new(size_t n, uint64_t seed) {
  blk_t b = { hakmem_malloc(n), n, seed };
  CHECK(b.p != NULL, "malloc(%zu)", n);
  CHECK(((uintptr_t)b.p & 15) == 0, "malloc(%zu)=%p not 16-byte aligned", n, (void *)b.p);
  size_t u = hakmem_malloc_usable_size(b.p);
  CHECK(u >= n, "usable %zu < %zu", u, n);
  fill(b.p, n, seed);
  return b;
}
static void blk_free(blk_t *b) {
  if (!b->p) return;
  verify(b->p, b->n, b->seed);
  hakmem_free(b->p);
  b->p = NULL;
}

static size_t rand_size(uint64_t *r) {
  uint64_t x = rnd(r);
  switch (x & 15) {
  case 0: return 8193 + (x >> 8) % (262144 - 8192); /* whole-chunk classes */
  case 1: return (x & 0x300) == 0 ? 262145 + (x >> 16) % (3u << 20) : 1 + (x >> 8) % 8192;
  default: return 1 + (x >> 8) % 1024;
  }
}

static double scale = 1;

/* n scaled, at least 1 */
static long scaled(long n) {
  long k = (long)((double)n * scale);
  return k > 0 ? k : 1;
}

/* ---- api: the whole family, single thread ---- */
static void phase_api(void) {
  uint64_t r = 1;
  for (size_t n = 0; n <= 300000; n = n < 300 ? n + 1 : n + n / 7) {
    blk_t b = blk_new(n, n);
    size_t u = hakmem_malloc_usable_size(b.p);
    memset(b.p + n, 0xEE, u - n); /* the whole usable size is ours */
    unsigned char *z = hakmem_calloc(1, n);
    CHECK(z != NULL, "calloc(1, %zu)", n);
    for (size_t i = 0; i < n; i++) CHECK(z[i] == 0, "calloc(%zu) byte %zu = %d", n, i, z[i]);
    hakmem_free_sized(z, n);
    /* realloc up and down, contents kept */
    size_t m = n * 3 + 1;
    unsigned char *q = hakmem_realloc(b.p, m);
    CHECK(q != NULL, "realloc(%zu -> %zu)", n, m);
    verify(q, n, n);
    fill(q, m, n + 1); /* m > 2 EDGE from n = 171: head and tail only */
    size_t k = n / 2;
    unsigned char *q2 = hakmem_realloc(q, k);
    if (k == 0) {
      CHECK(q2 == NULL, "realloc(p, 0) frees and returns NULL");
      continue;
    }
    CHECK(q2 != NULL, "realloc(%zu -> %zu)", m, k);
    verify(q2, k < EDGE ? k : EDGE, n + 1); /* the head survived the shrink */
    hakmem_free(q2);
  }
  for (size_t a = 8; a <= ((size_t)4 << 20); a <<= 1) {
    for (int j = 0; j < 6; j++) {
      size_t n = (size_t)(rnd(&r) % (j < 3 ? 2000 : 600000));
      void *p = NULL;
      CHECK(hakmem_posix_memalign(&p, a, n) == 0, "posix_memalign(%zu, %zu)", a, n);
      CHECK(((uintptr_t)p & (a - 1)) == 0, "posix_memalign(%zu) = %p", a, p);
      CHECK(hakmem_malloc_usable_size(p) >= n, "usable");
      fill(p, n, a);
      void *q = hakmem_aligned_alloc(a, n);
      CHECK(q && ((uintptr_t)q & (a - 1)) == 0, "aligned_alloc(%zu, %zu) = %p", a, n, q);
      fill(q, n, a + 1);
      void *m = hakmem_memalign(a, n);
      CHECK(m && ((uintptr_t)m & (a - 1)) == 0, "memalign(%zu, %zu) = %p", a, n, m);
      verify(p, n, a);
      verify(q, n, a + 1);
      hakmem_free(p);
      hakmem_free_aligned_sized(q, a, n);
      hakmem_free(m);
    }
  }
  void *v = hakmem_valloc(100), *pv = hakmem_pvalloc(5000);
  CHECK(v && ((uintptr_t)v & 4095) == 0, "valloc");
  CHECK(pv && ((uintptr_t)pv & 4095) == 0 && hakmem_malloc_usable_size(pv) >= 8192, "pvalloc");
  hakmem_free(v);
  hakmem_free(pv);
  /* bad input that must be refused without touching anything */
  errno = 0;
  CHECK(hakmem_malloc(SIZE_MAX) == NULL && errno == ENOMEM, "malloc(SIZE_MAX)");
  errno = 0;
  CHECK(hakmem_calloc(SIZE_MAX / 2, 3) == NULL && errno == ENOMEM, "calloc overflow");
  void *p = hakmem_malloc(40), *out = (void *)1;
  errno = 0;
  CHECK(hakmem_reallocarray(p, SIZE_MAX / 2, 3) == NULL && errno == ENOMEM, "reallocarray overflow");
  CHECK(hakmem_posix_memalign(&out, 24, 8) == EINVAL && out == (void *)1, "posix_memalign(24)");
  errno = 0;
  CHECK(hakmem_aligned_alloc(48, 96) == NULL && errno == EINVAL, "aligned_alloc(48)");
  hakmem_free(p);
  hakmem_free(NULL);
}

/* ---- xthread: blocks travel between threads through a shared ring ---- */
#define RING 1024
static pthread_mutex_t ring_mu = PTHREAD_MUTEX_INITIALIZER;
static blk_t ring[RING];
static size_t ring_len;

static void *xthread_worker(void *arg) {
  uint64_t r = (uint64_t)(uintptr_t)arg * 0x9E3779B97F4A7C15ULL + 7;
  enum { LOCAL = 64 };
  blk_t mine[LOCAL] = { { 0 } };
  long ops = scaled(30000);
  for (long op = 0; op < ops; op++) {
    size_t i = rnd(&r) % LOCAL;
    blk_free(&mine[i]);
    mine[i] = blk_new(rand_size(&r), rnd(&r));
    if ((op & 3) == 0) {
      blk_t give = mine[i], take = { 0 };
      mine[i].p = NULL;
      pthread_mutex_lock(&ring_mu);
      if (ring_len == RING || (ring_len && (rnd(&r) & 1))) {
        size_t j = rnd(&r) % ring_len;
        take = ring[j];
        ring[j] = ring[--ring_len];
      }
      if (ring_len < RING) ring[ring_len++] = give;
      else take = give;
      pthread_mutex_unlock(&ring_mu);
      blk_free(&take); /* most likely another thread's block: a remote free */
    }
  }
  for (size_t i = 0; i < LOCAL; i++) blk_free(&mine[i]);
  return NULL;
}

static void phase_xthread(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    CHECK(pthread_create(&t[i], NULL, xthread_worker, (void *)(uintptr_t)(i + 1)) == 0, "pthread_create");
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  for (size_t i = 0; i < ring_len; i++) blk_free(&ring[i]);
  ring_len = 0;
}

/* ---- churn: short-lived threads; each leaves blocks for the next generation to free ---- */
#define HANDOFF 32
static blk_t handoff[HANDOFF];
static size_t handoff_len;

static void *churn_worker(void *arg) {
  uint64_t r = (uint64_t)(uintptr_t)arg + 11;
  enum { N = 200 };
  blk_t b[N];
  for (int i = 0; i < N; i++) b[i] = blk_new(rand_size(&r), rnd(&r));
  for (int i = 0; i < N; i += 2) blk_free(&b[i]);
  pthread_mutex_lock(&ring_mu);
  for (size_t i = 0; i < handoff_len; i++) blk_free(&handoff[i]);
  handoff_len = 0;
  for (int i = 1; i < N; i += 2) {
    if (handoff_len < HANDOFF && i % 10 == 1) handoff[handoff_len++] = b[i];
    else blk_free(&b[i]);
  }
  pthread_mutex_unlock(&ring_mu);
  return NULL;
}

static void phase_churn(void) {
  for (long g = 0; g < scaled(50); g++) {
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
      CHECK(pthread_create(&t[i], NULL, churn_worker, (void *)(uintptr_t)(g * 4 + i)) == 0, "pthread_create");
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  }
  for (size_t i = 0; i < handoff_len; i++) blk_free(&handoff[i]);
  handoff_len = 0;
}

/* ---- pool: whole slabs and chunks go back and forth through the shared pool; large cache ---- */
static void *pool_worker(void *arg) {
  uint64_t r = (uint64_t)(uintptr_t)arg * 31 + 5;
  enum { SMALL = 1200, WHOLE = 120, LARGE = 6 };
  static __thread blk_t s[SMALL], w[WHOLE], l[LARGE];
  for (long round = 0; round < scaled(6); round++) {
    size_t sz = (size_t)1024 << (round % 4); /* 1..8 KiB: many 64 KiB slabs */
    for (int i = 0; i < SMALL; i++) s[i] = blk_new(sz, rnd(&r));
    for (int i = 0; i < WHOLE; i++) w[i] = blk_new(8193 + rnd(&r) % 60000, rnd(&r));
    for (int i = 0; i < LARGE; i++) l[i] = blk_new(262145 + rnd(&r) % (4u << 20), rnd(&r));
    for (int i = SMALL - 1; i >= 0; i--) blk_free(&s[i]); /* slabs empty out: back to the pool */
    for (int i = 0; i < WHOLE; i++) blk_free(&w[i]);
    for (int i = 0; i < LARGE; i++) blk_free(&l[i]); /* into the large cache, or unmapped */
  }
  return NULL;
}

static void phase_pool(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    CHECK(pthread_create(&t[i], NULL, pool_worker, (void *)(uintptr_t)i) == 0, "pthread_create");
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
}

/* ---- orphan: a thread exits with blocks live; others free them remotely into its orphaned
 * heap while new threads adopt heaps and allocate ---- */
#define ORPH 2000
static blk_t orph[ORPH];

static void *orphan_maker(void *arg) {
  uint64_t r = (uint64_t)(uintptr_t)arg + 99;
  for (int i = 0; i < ORPH; i++) orph[i] = blk_new(rand_size(&r) % 2048 + 1, rnd(&r));
  return NULL;
}
static void *orphan_freer(void *arg) {
  int half = (int)(uintptr_t)arg;
  for (int i = half; i < ORPH; i += 2) blk_free(&orph[i]);
  uint64_t r = (uint64_t)half + 1;
  blk_t b[100];
  for (int i = 0; i < 100; i++) b[i] = blk_new(rand_size(&r) % 2048 + 1, rnd(&r));
  for (int i = 0; i < 100; i++) blk_free(&b[i]);
  return NULL;
}

static void phase_orphan(void) {
  for (long round = 0; round < scaled(10); round++) {
    pthread_t m, f[2];
    CHECK(pthread_create(&m, NULL, orphan_maker, (void *)(uintptr_t)round) == 0, "pthread_create");
    pthread_join(m, NULL);
    for (int i = 0; i < 2; i++)
      CHECK(pthread_create(&f[i], NULL, orphan_freer, (void *)(uintptr_t)i) == 0, "pthread_create");
    for (int i = 0; i < 2; i++) pthread_join(f[i], NULL);
  }
}

/* ---- beside every phase: a thread checks every heap, each under its lock, so the sanitizer
 * sees any owner-only field that changes outside the heap's lock (the rule in hk_layout.h),
 * and the check sees any heap caught inconsistent at a lock boundary; it trims as well ---- */
static int checker_stop;
static long checker_rounds;

static void *checker(void *arg) {
  (void)arg;
  while (!__atomic_load_n(&checker_stop, __ATOMIC_ACQUIRE)) {
    int64_t bad = -1;
    CHECK(hakmem_probe("core", "heaps_check", 0, &bad) == 0 && bad == 0, "heaps_check: %lld inconsistent slabs",
          (long long)bad);
    /* and every few rounds a trim: whole chunks leave the pool (and are unmapped) while the
     * phase's threads pop from it, so the release's quiescence is under the sanitizer too */
    if (++checker_rounds % 8 == 0) hakmem_trim();
    struct timespec ts = { 0, 200 * 1000 };
    nanosleep(&ts, NULL);
  }
  return NULL;
}

int main(int argc, char **argv) {
  const char *phase = argc > 1 ? argv[1] : "all";
  if (argc > 2) scale = strtod(argv[2], NULL);
  if (!(scale > 0)) scale = 1;
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("hakmem variant=%s (linked in, prefixed)\n", hakmem_variant_name());
  static const struct {
    const char *name;
    void (*fn)(void);
  } phases[] = {
    { "api", phase_api },   { "xthread", phase_xthread }, { "churn", phase_churn },
    { "pool", phase_pool }, { "orphan", phase_orphan },
  };
  int ran = 0;
  pthread_t chk;
  CHECK(pthread_create(&chk, NULL, checker, NULL) == 0, "pthread_create");
  for (size_t i = 0; i < sizeof phases / sizeof phases[0]; i++)
    if (!strcmp(phase, "all") || !strcmp(phase, phases[i].name)) {
      phases[i].fn();
      printf("phase %s ok\n", phases[i].name);
      ran++;
    }
  __atomic_store_n(&checker_stop, 1, __ATOMIC_RELEASE);
  pthread_join(chk, NULL);
  printf("heaps checked %ld times\n", checker_rounds);
  CHECK(ran > 0, "unknown phase '%s'", phase);
  printf("ok %lu checks\n", __atomic_load_n(&checks, __ATOMIC_RELAXED));
  return 0;
}
