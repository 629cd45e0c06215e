/* hk_fuzz.c — a libFuzzer target over hakmem's malloc family (the allocator linked in with
 * prefixed names, native/test/reliability/hk_prefixed.h). The input is a sequence of
 * operations: malloc, calloc, realloc, reallocarray, free, free_sized, the memalign family,
 * frees and reallocs from a second thread, blocks allocated by that thread, its exit (its heap
 * is orphaned with blocks live), and requests that must fail cleanly. A shadow model keeps
 * every live block's requested size, alignment, usable size and content seed, and the run
 * aborts on any divergence: an overlap between live blocks, lost or changed contents, a usable
 * size below the request or absurdly above it, a misaligned block, a block the free gate does
 * not recognise, a wrong errno.
 *
 * Input format (bytes, read past the end as zero): repeated [op][slot][a][b][c][d]...
 * Build: clang -fsanitize=fuzzer[,address,undefined] (native/test/fuzz.test.ts), or with
 * replay_main.c and any compiler to run the corpus and the regressions only. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test/reliability/hk_prefixed.h"

/* Known bugs not fixed yet: for each input in native/fuzz/known-bugs/ named <NAME>--..., the
 * driver defines HK_FUZZ_AVOID_<NAME>=1, and a branch here steers around that bug so the
 * bounded run keeps finding new ones (none at the moment). */

#define SLOTS 64
#define HEAD  2048 /* bytes of each block carrying the pattern at its start ... */
#define TAIL  512  /* ... and at the end of its usable size */

typedef struct {
  unsigned char *p;
  size_t n, usable, align;
  uint64_t seed;
} slot_t;

static slot_t slots[SLOTS];
static uint64_t seed_counter;

/* Figures for the log (printed at exit): the driver reports them. */
static uint64_t n_inputs, n_ops, n_allocs, n_frees, n_reallocs, n_remote, n_exits, n_refused;

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...);

#define FCHECK(cond, ...)                               \
  do {                                                  \
    if (__builtin_expect(!(cond), 0)) die(__VA_ARGS__); \
  } while (0)

#include <stdarg.h>
static void die(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "hk_fuzz: DIVERGENCE: ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  abort();
}

static inline unsigned char pat(uint64_t seed, size_t i) {
  return (unsigned char)(seed ^ (seed >> 11) ^ (i * 0x9d) ^ (i >> 8) ^ (i >> 16));
}

/* The pattern covers [0, min(u, HEAD)) and [max(HEAD, u - TAIL), u). */
static void fill(unsigned char *p, size_t u, uint64_t seed) {
  size_t h = u < HEAD ? u : HEAD;
  for (size_t i = 0; i < h; i++) p[i] = pat(seed, i);
  for (size_t i = u - TAIL > HEAD && u > TAIL ? u - TAIL : h; i < u; i++) p[i] = pat(seed, i);
}

/* Checks the filled bytes below `limit` (the whole filled set when limit >= u). */
static void verify(const slot_t *s, const unsigned char *p, size_t limit, const char *when) {
  size_t u = s->usable, h = u < HEAD ? u : HEAD;
  for (size_t i = 0; i < h && i < limit; i++)
    FCHECK(p[i] == pat(s->seed, i), "%s: block %p (n=%zu usable=%zu align=%zu) byte %zu changed", when, (void *)p, s->n,
           u, s->align, i);
  for (size_t i = u - TAIL > HEAD && u > TAIL ? u - TAIL : h; i < u && i < limit; i++)
    FCHECK(p[i] == pat(s->seed, i), "%s: block %p (n=%zu usable=%zu align=%zu) byte %zu changed", when, (void *)p, s->n,
           u, s->align, i);
}

/* Largest plausible usable size: a slab request (n <= 256 KiB, alignment <= 4 KiB) gets a
 * class at most twice max(n, alignment); a large one follows the request rounded to pages
 * (even when a bigger cached mapping serves it). */
static size_t usable_bound(size_t n, size_t a) {
  if (n <= 262144 && a <= 64) return 2 * (n > a ? n : a) + 64; /* a class: stride <= 1.25 n + 64 */
  if (n <= 262144 && a <= 4096) return 2 * (n + a) + 64;       /* cut from a block of n + a */
  return 2 * (n + a) + 16384;
}

/* A new block: aligned, usable size plausible, recognised by the free gate, overlapping no
 * live block; then filled over its whole usable size. */
static size_t realloc_kept; /* a realloc that returned its block in place may keep its old usable size */

static void adopt(int k, void *ptr, size_t n, size_t align, const char *what) {
  unsigned char *p = ptr;
  size_t a = align < 16 ? 16 : align;
  FCHECK(((uintptr_t)p & (a - 1)) == 0, "%s(%zu, align %zu) = %p is misaligned", what, n, align, (void *)p);
  size_t u = hakmem_malloc_usable_size(p);
  FCHECK(u >= n && u >= 1, "%s(%zu) = %p: usable size %zu below the request", what, n, (void *)p, u);
  size_t bound = usable_bound(n, a);
  if (realloc_kept > bound) bound = realloc_kept;
  realloc_kept = 0;
  FCHECK(u <= bound, "%s(%zu, align %zu) = %p: usable size %zu is implausible (bound %zu)", what, n, align, (void *)p,
         u, bound);
  int64_t kind = -1;
  if (hakmem_probe("core", "classify", (int64_t)(intptr_t)p, &kind) == 0)
    /* 3: an aligned pointer inside a slab block, which only alignments above 64 hand out */
    FCHECK(kind == 1 || kind == 2 || (kind == 3 && ((uintptr_t)p & 127) == 0),
           "%s(%zu) = %p: the free gate classifies it as %lld", what, n, (void *)p, (long long)kind);
  for (int j = 0; j < SLOTS; j++) {
    const slot_t *o = &slots[j];
    if (!o->p || j == k) continue;
    FCHECK((uintptr_t)p + u <= (uintptr_t)o->p || (uintptr_t)o->p + o->usable <= (uintptr_t)p,
           "%s(%zu) = %p (+%zu) overlaps live block %p (+%zu)", what, n, (void *)p, u, (void *)o->p, o->usable);
  }
  slot_t *s = &slots[k];
  s->p = p;
  s->n = n;
  s->usable = u;
  s->align = align;
  s->seed = ++seed_counter * 0x9E3779B97F4A7C15ULL;
  fill(p, u, s->seed);
  n_allocs++;
}

/* ---- the second thread: frees, reallocs and allocations on request; exits on request ---- */
enum { REQ_NONE, REQ_FREE, REQ_ALLOC, REQ_REALLOC, REQ_EXIT };
static struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int req, running;
  void *p;
  size_t n;
  void *result;
  int err;
  pthread_t tid;
} helper = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, REQ_NONE, 0, NULL, 0, NULL, 0, 0 };

static void *helper_main(void *arg) {
  (void)arg;
  pthread_mutex_lock(&helper.mu);
  for (;;) {
    while (helper.req == REQ_NONE) pthread_cond_wait(&helper.cv, &helper.mu);
    int req = helper.req;
    errno = 0;
    if (req == REQ_FREE) hakmem_free(helper.p);
    else if (req == REQ_ALLOC) helper.result = hakmem_malloc(helper.n);
    else if (req == REQ_REALLOC) helper.result = hakmem_realloc(helper.p, helper.n);
    helper.err = errno;
    helper.req = REQ_NONE;
    pthread_cond_broadcast(&helper.cv);
    if (req == REQ_EXIT) break;
  }
  pthread_mutex_unlock(&helper.mu);
  return NULL;
}

static void *helper_call(int req, void *p, size_t n) {
  if (!helper.running) {
    FCHECK(pthread_create(&helper.tid, NULL, helper_main, NULL) == 0, "pthread_create");
    helper.running = 1;
  }
  pthread_mutex_lock(&helper.mu);
  helper.req = req;
  helper.p = p;
  helper.n = n;
  helper.result = NULL;
  pthread_cond_broadcast(&helper.cv);
  while (helper.req != REQ_NONE) pthread_cond_wait(&helper.cv, &helper.mu);
  void *r = helper.result;
  errno = helper.err;
  pthread_mutex_unlock(&helper.mu);
  if (req == REQ_EXIT) {
    pthread_join(helper.tid, NULL);
    helper.running = 0;
    n_exits++;
  }
  return r;
}

/* ---- input ---- */
typedef struct {
  const uint8_t *d;
  size_t n, i;
} reader_t;
static inline uint8_t u8(reader_t *r) { return r->i < r->n ? r->d[r->i++] : 0; }
static inline uint16_t u16(reader_t *r) {
  uint16_t a = u8(r);
  return (uint16_t)(a | (uint16_t)u8(r) << 8);
}

static const size_t edges[] = { 0,
                                1,
                                8,
                                15,
                                16,
                                17,
                                31,
                                32,
                                33,
                                127,
                                128,
                                129,
                                1023,
                                1024,
                                1025,
                                8191,
                                8192,
                                8193,
                                65536,
                                65537,
                                262143,
                                262144,
                                262145,
                                (1u << 21) - 4096,
                                1u << 21,
                                (1u << 21) + 1,
                                (1u << 22) + 17,
                                4095,
                                4096,
                                4097 };

static size_t decode_size(reader_t *r) {
  uint8_t sel = u8(r);
  uint16_t v = u16(r);
  switch (sel % 16) {
  case 0:
  case 1:
  case 2:
  case 3:
  case 4:
  case 5:
  case 6: return v % 1025;
  case 7:
  case 8:
  case 9: return v % 8193;
  case 10:
  case 11: return 8193 + ((size_t)v * 4) % (262144 - 8192);
  case 12: return 262145 + ((size_t)v << 5) % (4u << 20);
  case 13: return edges[v % (sizeof edges / sizeof edges[0])];
  default: return v % 129;
  }
}

static size_t decode_align(reader_t *r) {
  uint8_t b = u8(r);
  if (b >= 252) return (size_t)1 << (22 + b % 3); /* 4 MiB .. 16 MiB: rare */
  return (size_t)1 << (3 + b % 19);               /* 8 B .. 2 MiB */
}

static void release(int k, int how) {
  slot_t *s = &slots[k];
  if (!s->p) return;
  verify(s, s->p, SIZE_MAX, "before free");
  if (how == 1) {
    helper_call(REQ_FREE, s->p, 0);
    n_remote++;
  } else if (how == 2) {
    if (s->align > 16) hakmem_free_aligned_sized(s->p, s->align, s->n);
    else hakmem_free_sized(s->p, s->n);
  } else {
    int e = errno = 4321;
    hakmem_free(s->p);
    FCHECK(errno == e, "free changed errno to %d", errno);
  }
  s->p = NULL;
  n_frees++;
}

static void do_realloc(int k, size_t n, int remote) {
  slot_t *s = &slots[k];
  if (!s->p) {
    void *p = remote ? helper_call(REQ_REALLOC, NULL, n) : hakmem_realloc(NULL, n);
    FCHECK(p != NULL, "realloc(NULL, %zu) returned NULL", n);
    adopt(k, p, n, 16, "realloc(NULL)");
    return;
  }
  verify(s, s->p, SIZE_MAX, "before realloc");
  slot_t old = *s;
  errno = 0;
  void *q = remote ? helper_call(REQ_REALLOC, s->p, n) : hakmem_realloc(s->p, n);
  n_reallocs++;
  if (remote) n_remote++;
  if (n == 0) {
    FCHECK(q == NULL, "realloc(p, 0) returned %p, expected NULL (the block is freed)", q);
    s->p = NULL;
    n_frees++;
    return;
  }
  FCHECK(q != NULL, "realloc(%p, %zu) returned NULL (errno %d)", (void *)old.p, n, errno);
  s->p = NULL; /* the old block is gone: no overlap check against it */
  verify(&old, q, old.n < n ? old.n : n, "realloc kept");
  if (q == old.p) realloc_kept = old.usable;
  adopt(k, q, n, 16, "realloc");
}

static void refuse(reader_t *r) {
  uint8_t which = u8(r);
  int k = u8(r) % SLOTS;
  void *out = (void *)0x1234;
  n_refused++;
  switch (which % 8) {
  case 0:
    errno = 0;
    FCHECK(hakmem_malloc(SIZE_MAX - (which >> 3)) == NULL && errno == ENOMEM, "malloc(SIZE_MAX)");
    break;
  case 1:
    errno = 0;
    FCHECK(hakmem_calloc(SIZE_MAX / 4 + 1 + which, 8) == NULL && errno == ENOMEM, "calloc overflow");
    break;
  case 2:
    FCHECK(hakmem_posix_memalign(&out, 24 + 8 * (which >> 3) * 2, 64) == EINVAL && out == (void *)0x1234,
           "posix_memalign(non-power-of-two)");
    break;
  case 3:
    errno = 0;
    FCHECK(hakmem_aligned_alloc(48, 96) == NULL && errno == EINVAL, "aligned_alloc(48)");
    break;
  case 4:
  case 5:
    if (slots[k].p) {
      errno = 0;
      void *q = which % 8 == 4 ? hakmem_reallocarray(slots[k].p, SIZE_MAX / 2 + 1, 2)
                               : hakmem_realloc(slots[k].p, SIZE_MAX - 64);
      FCHECK(q == NULL && errno == ENOMEM, "failed realloc returned %p errno %d", q, errno);
      verify(&slots[k], slots[k].p, SIZE_MAX, "after a failed realloc");
    }
    break;
  case 6:
    errno = 0;
    FCHECK(hakmem_pvalloc(SIZE_MAX - 4096) == NULL && errno == ENOMEM, "pvalloc overflow");
    break;
  default: hakmem_free(NULL); break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  reader_t r = { data, size, 0 };
  n_inputs++;
  for (int ops = 0; r.i < r.n && ops < 2048; ops++) {
    uint8_t op = u8(&r);
    int k = u8(&r) % SLOTS;
    slot_t *s = &slots[k];
    n_ops++;
    switch (op % 18) {
    case 0:
    case 1:
    case 2: { /* malloc */
      size_t n = decode_size(&r);
      release(k, 0);
      void *p = hakmem_malloc(n);
      FCHECK(p != NULL, "malloc(%zu) returned NULL", n);
      adopt(k, p, n, 16, "malloc");
      break;
    }
    case 3: { /* calloc: zeroed */
      size_t n = decode_size(&r), cnt = 1 + u8(&r) % 8;
      size_t each = n / cnt;
      release(k, 0);
      unsigned char *p = hakmem_calloc(cnt, each);
      FCHECK(p != NULL, "calloc(%zu, %zu) returned NULL", cnt, each);
      for (size_t i = 0; i < cnt * each; i++)
        FCHECK(p[i] == 0, "calloc(%zu, %zu) = %p: byte %zu is %d", cnt, each, (void *)p, i, p[i]);
      adopt(k, p, cnt * each, 16, "calloc");
      break;
    }
    case 4:
    case 5: do_realloc(k, decode_size(&r), 0); break;
    case 6:
    case 7: release(k, 0); break;
    case 8: { /* posix_memalign / aligned_alloc / memalign */
      size_t a = decode_align(&r), n = decode_size(&r);
      uint8_t how = u8(&r) % 3;
      release(k, 0);
      void *p = NULL;
      if (how == 0) FCHECK(hakmem_posix_memalign(&p, a, n) == 0, "posix_memalign(%zu, %zu) failed", a, n);
      else if (how == 1) p = hakmem_aligned_alloc(a, n);
      else p = hakmem_memalign(a, n);
      FCHECK(p != NULL, "aligned allocation (%d) of %zu at %zu returned NULL", how, n, a);
      adopt(k, p, n, a, how == 0 ? "posix_memalign" : how == 1 ? "aligned_alloc" : "memalign");
      break;
    }
    case 9: { /* valloc / pvalloc */
      size_t n = decode_size(&r);
      int pv = u8(&r) & 1;
      release(k, 0);
      void *p = pv ? hakmem_pvalloc(n) : hakmem_valloc(n);
      FCHECK(p != NULL, "%s(%zu) returned NULL", pv ? "pvalloc" : "valloc", n);
      adopt(k, p, pv ? (n ? (n + 4095) & ~(size_t)4095 : 4096) : n, 4096, pv ? "pvalloc" : "valloc");
      break;
    }
    case 10:
    case 11: release(k, 1); break; /* freed by the other thread */
    case 12: {                     /* allocated by the other thread, owned here from now on */
      size_t n = decode_size(&r);
      release(k, 0);
      void *p = helper_call(REQ_ALLOC, NULL, n);
      FCHECK(p != NULL, "malloc(%zu) in the second thread returned NULL", n);
      adopt(k, p, n, 16, "malloc (second thread)");
      n_remote++;
      break;
    }
    case 13:
      if (helper.running) helper_call(REQ_EXIT, NULL, 0);
      break;
    case 14: release(k, 2); break;                     /* free_sized / free_aligned_sized */
    case 15: do_realloc(k, decode_size(&r), 1); break; /* realloc in the other thread */
    case 16: {                                         /* reallocarray, valid */
      size_t n = decode_size(&r), m = 1 + u8(&r) % 4;
      if (!s->p) break;
      slot_t old = *s;
      verify(s, s->p, SIZE_MAX, "before reallocarray");
      void *q = hakmem_reallocarray(s->p, m, n / m);
      if (n / m * m == 0) {
        FCHECK(q == NULL, "reallocarray(p, %zu, 0) returned %p", m, q);
        s->p = NULL;
        n_frees++;
        break;
      }
      FCHECK(q != NULL, "reallocarray(%zu, %zu) returned NULL", m, n / m);
      s->p = NULL;
      verify(&old, q, old.n < m * (n / m) ? old.n : m * (n / m), "reallocarray kept");
      if (q == old.p) realloc_kept = old.usable;
      adopt(k, q, m * (n / m), 16, "reallocarray");
      n_reallocs++;
      break;
    }
    default: refuse(&r); break;
    }
  }
  /* Every live block intact at the end; then the heap is emptied for the next input. */
  for (int k = 0; k < SLOTS; k++) release(k, (int)(k % 3 == 0));
  return 0;
}

__attribute__((destructor)) static void hk_fuzz_report(void) {
  if (!n_inputs) return;
  fprintf(stderr,
          "hk_fuzz: variant=%s inputs=%llu ops=%llu allocs=%llu frees=%llu reallocs=%llu cross_thread=%llu "
          "thread_exits=%llu refused=%llu\n",
          hakmem_variant_name(), (unsigned long long)n_inputs, (unsigned long long)n_ops, (unsigned long long)n_allocs,
          (unsigned long long)n_frees, (unsigned long long)n_reallocs, (unsigned long long)n_remote,
          (unsigned long long)n_exits, (unsigned long long)n_refused);
}
