/* sampler/poisson — byte-weighted Poisson sampling (tcmalloc's and jemalloc's model): each
 * thread counts down the bytes to its next sample; the allocation that crosses zero is sampled
 * and the next interval is drawn from an exponential distribution of mean T = sampleBytes, so
 * every byte allocated has the same chance 1/T of being the one sampled, whatever the sizes.
 * A sample of size s stands for s / (1 - exp(-s/T)) bytes (its weight, unbiased).
 *
 * FAST_PATH budget: malloc, one TLS load, a subtract, a store and a branch
 *   (`(left -= size) < 0`); free, a shift, a multiply, one load of a counter and a branch.
 * The first allocation of a thread only draws its first interval (no sample).
 *
 * Free recognition: a counting filter of 64K 16-bit marks indexed by a hash of the address.
 * A sample increments its mark, its free decrements it; a free whose mark is zero (the common
 * case) never looks at the live table. A non-zero mark takes the slow path (the box's lock, a
 * lookup in the live table): with N live samples, an unsampled free does so with probability
 * 1 - (1 - 1/65536)^N ~= N/65536 (1.5% for 1000 live samples, 16% for 10,000), which costs a
 * lookup and finds nothing. The live table uses the same hash, linear probing at most 3/4 full
 * (48K live samples), so no mark can overflow.
 *
 * Stacks: glibc's backtrace(), which unwinds with the DWARF tables (.eh_frame) through
 * libgcc_s: correct in code built without frame pointers (Debian's python3, most distro
 * libraries); code without unwind tables yields a truncated stack. Its first call loads
 * libgcc_s with dlopen, which allocates: that happens at the first sample (never in the init
 * hook, which must not allocate), under a per-thread flag that makes allocations made while
 * sampling be served but never sampled (no recursion). No lock is held while it runs. Samples
 * are taken only once the box's constructor has run (libc is then fully up): allocations made
 * while the dynamic loader starts the process are not sampled.
 *
 * Tables (BSS: untouched pages cost nothing): up to 16K distinct stacks (hash -> frames,
 * cumulative weights) with 256K frames in all, and 48K live samples (address -> size, weights,
 * stack). When a table is full the sample counts as `dropped` and is not (fully) recorded. All
 * under one lock of the box's own, a leaf: nothing is allocated or locked while it is held;
 * fork takes it in lockAll, after the heaps' locks.
 *
 * Output (docs/profile-format.md, hakmem-profile v1): at exit to HAKMEM_PROFILE (every %p the
 * pid), on hakmem_profile_dump(path), and on SIGUSR1 to HAKMEM_PROFILE when
 * HAKMEM_PROFILE_SIGNAL=1. Written with open/read/write only through a stack buffer; the maps
 * are /proc/self/maps copied verbatim; nothing is symbolised here. No libm: -ln(u) and
 * 1 - exp(-x) are computed below by short series (errors stated there). */

#include "hakmem/hk_sampler.h"

#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#define HK_SAMPLER_MAX_FRAMES 64
#define HK_SAMPLER_STACKS     (1u << 14) /* distinct stacks kept ... */
#define HK_SAMPLER_STACK_SLOT (1u << 15) /* ... in a table at most half full */
#define HK_SAMPLER_FRAMES     (1u << 18) /* pcs of every stack together (2 MiB) */
#define HK_SAMPLER_LIVE_SLOT  (1u << 16) /* live table slots = marks (same hash) */
#define HK_SAMPLER_LIVE_MAX   (3u << 14) /* live samples kept: 3/4 of the slots */
#define HK_SAMPLER_LN2        0.69314718055994530942

typedef struct {
  uint64_t hash, est_bytes, est_count;
  uint32_t off, depth; /* frames at hk_sampler_frames[off], depth 0: empty slot */
} hk_sstack_t;

typedef struct {
  uintptr_t addr; /* 0: empty slot */
  uint64_t size, est_bytes;
  uint32_t est_count, stack;
} hk_slive_t;

static hk_lock_t hk_sampler_lock = HK_LOCK_INIT;
static uint16_t hk_sampler_marks[HK_SAMPLER_LIVE_SLOT];
static hk_sstack_t hk_sampler_stacks[HK_SAMPLER_STACK_SLOT];
static uintptr_t hk_sampler_frames[HK_SAMPLER_FRAMES];
static hk_slive_t hk_sampler_live[HK_SAMPLER_LIVE_SLOT];
static uint32_t hk_sampler_nstacks, hk_sampler_nframes, hk_sampler_nlive;
static uint64_t hk_sampler_samples, hk_sampler_dropped;
static int hk_sampler_ready;                       /* the box's constructor ran: backtrace may load libgcc_s */
static uint64_t hk_sampler_start_ns;               /* init: elapsed_ms counts from here */
static hk_env_out_t hk_sampler_out = { .fd = -1 }; /* HAKMEM_PROFILE, read at start-up (signal handler) */

static __thread int64_t hk_sampler_left; /* bytes until this thread's next sample */
static __thread uint64_t hk_sampler_rng; /* xorshift64* state; 0: the thread has not drawn yet */
static __thread int hk_sampler_busy;     /* inside hk_sampler_take: allocations are not sampled */

static inline uint32_t hk_sampler_hash(const void *p) {
  return (uint32_t)((((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ull) >> 48); /* 16 bits */
}

static HK_NOINLINE void hk_sampler_take(void *p, size_t size);
static HK_NOINLINE void hk_sampler_forget(void *p);

static inline void hk_sampler_alloc(void *p, size_t size) {
  if (HK_UNLIKELY((hk_sampler_left -= (int64_t)size) < 0)) hk_sampler_take(p, size);
}

static inline void hk_sampler_free(void *p) {
  if (HK_UNLIKELY(__atomic_load_n(&hk_sampler_marks[hk_sampler_hash(p)], __ATOMIC_RELAXED))) hk_sampler_forget(p);
}

static uint64_t hk_sampler_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO: no allocation, no lock */
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- numbers without libm ---- */

/* -ln(u) for u in (0, 1]: u = m 2^-e with m in [0.5, 1], ln m = 2 atanh(z), z = (m-1)/(m+1) in
 * [-1/3, 0], by its series to z^15: absolute error below 2 (1/3)^17 / 17 / (1 - 1/9) < 1.1e-9
 * (the intervals are off by at most that fraction of T). */
static double hk_sampler_neg_ln(double u) {
  int e = 0;
  while (u < 0.5) {
    u *= 2;
    e++;
  }
  double z = (u - 1) / (u + 1), z2 = z * z, t = z, s = 0;
  for (int k = 1; k <= 15; k += 2) {
    s += t / k;
    t *= z2;
  }
  return e * HK_SAMPLER_LN2 - 2 * s;
}

/* 1 - exp(-x) for x >= 0: below 0.5 its alternating series (14 terms, error < 0.5^15/15! ~
 * 2e-17); above, exp(-x) = 2^-k exp(-r) with r in [0, ln 2) by 17 terms of its series (error
 * < 0.7^17/17! ~ 7e-17), so the relative error of a weight is below 1e-15. */
static double hk_sampler_one_minus_exp_neg(double x) {
  if (x > 45) return 1.0;
  if (x < 0.5) {
    double term = x, s = 0;
    for (int k = 1; k <= 14; k++) {
      s += term;
      term *= -x / (k + 1);
    }
    return s;
  }
  int k = (int)(x / HK_SAMPLER_LN2);
  double r = x - k * HK_SAMPLER_LN2, e = 1, term = 1;
  for (int i = 1; i <= 17; i++) {
    term *= -r / i;
    e += term;
  }
  while (k-- > 0) e *= 0.5;
  return 1 - e;
}

/* The next interval: exponential of mean T, from the thread's xorshift64* generator. */
static int64_t hk_sampler_interval(void) {
  uint64_t x = hk_sampler_rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  hk_sampler_rng = x;
  uint64_t r = (x * 0x2545f4914f6cdd1dull) >> 11; /* 53 bits */
  double v = hk_sampler_neg_ln((double)(r + 1) * 0x1p-53) * (double)HK_CFG_SAMPLER_SAMPLE_BYTES;
  return v < 4e18 ? (int64_t)v : (int64_t)4e18;
}

/* ---- the tables (under hk_sampler_lock) ---- */

static uint64_t hk_sampler_stack_hash(void *const *pcs, int n) {
  uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)n;
  for (int i = 0; i < n; i++) h = (h ^ (uintptr_t)pcs[i]) * 0x100000001b3ull, h ^= h >> 29;
  return h ? h : 1;
}

/* The stack's index, added when new; UINT32_MAX when the table or the frame pool is full. */
static uint32_t hk_sampler_intern(uint64_t h, void *const *pcs, int n) {
  const uint32_t mask = HK_SAMPLER_STACK_SLOT - 1;
  for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask) {
    hk_sstack_t *s = &hk_sampler_stacks[i];
    if (!s->depth) {
      if (hk_sampler_nstacks >= HK_SAMPLER_STACKS || hk_sampler_nframes + (uint32_t)n > HK_SAMPLER_FRAMES)
        return UINT32_MAX;
      s->hash = h;
      s->off = hk_sampler_nframes;
      for (int k = 0; k < n; k++) hk_sampler_frames[s->off + (uint32_t)k] = (uintptr_t)pcs[k];
      hk_sampler_nframes += (uint32_t)n;
      s->depth = (uint32_t)n;
      hk_sampler_nstacks++;
      return i;
    }
    if (s->hash == h && s->depth == (uint32_t)n &&
        !memcmp(&hk_sampler_frames[s->off], pcs, (size_t)n * sizeof(uintptr_t)))
      return i;
  }
}

static void hk_sampler_record(void *p, size_t size, void *const *pcs, int n) {
  double s = (double)size, T = (double)HK_CFG_SAMPLER_SAMPLE_BYTES;
  double w = s / hk_sampler_one_minus_exp_neg(s / T);
  uint64_t wb = (uint64_t)(w + 0.5), wc;
  if (wb < size) wb = size;
  wc = (uint64_t)(w / s + 0.5);
  if (wc < 1) wc = 1;
  uint64_t h = hk_sampler_stack_hash(pcs, n);
  hk_lock(&hk_sampler_lock);
  hk_sampler_samples++;
  uint32_t sid = hk_sampler_intern(h, pcs, n);
  if (sid == UINT32_MAX) {
    hk_sampler_dropped++;
    hk_unlock(&hk_sampler_lock);
    return;
  }
  hk_sampler_stacks[sid].est_bytes += wb;
  hk_sampler_stacks[sid].est_count += wc;
  const uint32_t mask = HK_SAMPLER_LIVE_SLOT - 1, m = hk_sampler_hash(p);
  for (uint32_t i = m;; i = (i + 1) & mask) {
    hk_slive_t *e = &hk_sampler_live[i];
    if (e->addr == (uintptr_t)p) { /* a stale entry (its free was never seen): replaced */
      *e = (hk_slive_t){ (uintptr_t)p, size, wb, (uint32_t)wc, sid };
      break;
    }
    if (!e->addr) {
      if (hk_sampler_nlive >= HK_SAMPLER_LIVE_MAX) {
        hk_sampler_dropped++;
        break;
      }
      *e = (hk_slive_t){ (uintptr_t)p, size, wb, (uint32_t)wc, sid };
      hk_sampler_nlive++;
      __atomic_fetch_add(&hk_sampler_marks[m], 1, __ATOMIC_RELAXED);
      break;
    }
  }
  hk_unlock(&hk_sampler_lock);
}

/* A mark was set for p's hash: is p a live sample? Removed with a backward shift (linear
 * probing without tombstones). */
static HK_NOINLINE void hk_sampler_forget(void *p) {
  const uint32_t mask = HK_SAMPLER_LIVE_SLOT - 1, m = hk_sampler_hash(p);
  hk_lock(&hk_sampler_lock);
  uint32_t i = m;
  for (;; i = (i + 1) & mask) {
    if (hk_sampler_live[i].addr == (uintptr_t)p) break;
    if (!hk_sampler_live[i].addr) { /* a false positive of the filter */
      hk_unlock(&hk_sampler_lock);
      return;
    }
  }
  for (uint32_t j = i;;) {
    j = (j + 1) & mask;
    if (!hk_sampler_live[j].addr) break;
    uint32_t k = hk_sampler_hash((void *)hk_sampler_live[j].addr);
    /* entry j may move to the hole i unless its home k lies cyclically in (i, j] */
    if (i <= j ? (i < k && k <= j) : (i < k || k <= j)) continue;
    hk_sampler_live[i] = hk_sampler_live[j];
    i = j;
  }
  hk_sampler_live[i].addr = 0;
  hk_sampler_nlive--;
  __atomic_fetch_sub(&hk_sampler_marks[m], 1, __ATOMIC_RELAXED);
  hk_unlock(&hk_sampler_lock);
}

static HK_NOINLINE void hk_sampler_take(void *p, size_t size) {
  if (hk_sampler_busy) return;        /* the unwinder allocating: served, not sampled */
  if (HK_UNLIKELY(!hk_sampler_rng)) { /* the thread's first call: draw the first interval only */
    uint64_t seed = ((uintptr_t)&hk_sampler_left * 0x9e3779b97f4a7c15ull) ^ hk_sampler_now_ns();
    hk_sampler_rng = seed ? seed : 0x853c49e6748fea9bull;
    hk_sampler_left = hk_sampler_interval();
    return;
  }
  if (__atomic_load_n(&hk_sampler_ready, __ATOMIC_ACQUIRE)) {
    void *pcs[HK_SAMPLER_MAX_FRAMES];
    hk_sampler_busy = 1;
    int n = backtrace(pcs, HK_SAMPLER_MAX_FRAMES);
    if (n > 0) hk_sampler_record(p, size, pcs, n);
    hk_sampler_busy = 0;
  }
  hk_sampler_left = hk_sampler_interval();
}

/* ---- the raw profile (docs/profile-format.md) ---- */

typedef struct {
  int fd;
  size_t len;
  char buf[4096];
} hk_swriter_t;

static void hk_sw_flush(hk_swriter_t *w) {
  hk_os_write_all(w->fd, w->buf, w->len);
  w->len = 0;
}
static void hk_sw_bytes(hk_swriter_t *w, const char *s, size_t n) {
  while (n) {
    if (w->len == sizeof w->buf) hk_sw_flush(w);
    size_t k = sizeof w->buf - w->len < n ? sizeof w->buf - w->len : n;
    memcpy(w->buf + w->len, s, k);
    w->len += k, s += k, n -= k;
  }
}
static void hk_sw_str(hk_swriter_t *w, const char *s) { hk_sw_bytes(w, s, strlen(s)); }
static void hk_sw_u64(hk_swriter_t *w, uint64_t v) {
  char t[24];
  hk_sw_bytes(w, t, hk_fmt_u64(t, v));
}
static void hk_sw_hex(hk_swriter_t *w, uint64_t v) {
  char t[24];
  hk_sw_bytes(w, t, hk_fmt_hex(t, v));
}
static void hk_sw_frames(hk_swriter_t *w, uint32_t sid) {
  const hk_sstack_t *s = &hk_sampler_stacks[sid];
  for (uint32_t k = 0; k < s->depth; k++) {
    hk_sw_str(w, " ");
    hk_sw_hex(w, hk_sampler_frames[s->off + k]);
  }
  hk_sw_str(w, "\n");
}

/* The file at path (or, when path is NULL, the descriptor fd); in a signal handler the lock is
 * only tried (the interrupted thread may hold it): -1 with EBUSY, nothing written, when it
 * stays taken. */
static int hk_sampler_write(const char *path, int to_fd, const char *reason, int in_signal) {
  if (in_signal) {
    int got = 0;
    for (int i = 0; i < 1000 && !(got = hk_trylock(&hk_sampler_lock)); i++) sched_yield();
    if (!got) {
      errno = EBUSY;
      return -1;
    }
  } else {
    hk_lock(&hk_sampler_lock);
  }
  int fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : to_fd;
  if (fd < 0) {
    int e = errno;
    hk_unlock(&hk_sampler_lock);
    errno = e;
    return -1;
  }
  hk_swriter_t w = { .fd = fd, .len = 0 };
  hk_sw_str(&w, "hakmem-profile 1\nvariant " HK_VARIANT_NAME "\npid ");
  hk_sw_u64(&w, (uint64_t)getpid());
  hk_sw_str(&w, "\nsample_bytes ");
  hk_sw_u64(&w, (uint64_t)HK_CFG_SAMPLER_SAMPLE_BYTES);
  hk_sw_str(&w, "\nelapsed_ms ");
  hk_sw_u64(&w, (hk_sampler_now_ns() - hk_sampler_start_ns) / 1000000u);
  hk_sw_str(&w, "\nreason ");
  hk_sw_str(&w, reason);
  /* the program this process runs now (after any exec): hakmem profile keeps one program's */
  char exe[1024];
  ssize_t ne = readlink("/proc/self/exe", exe, sizeof exe);
  if (ne > 0 && (size_t)ne < sizeof exe && !memchr(exe, '\n', (size_t)ne)) {
    hk_sw_str(&w, "\nexe ");
    hk_sw_bytes(&w, exe, (size_t)ne);
  }
  hk_sw_str(&w, "\nmaps\n");
  int mfd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  char last = '\n';
  if (mfd >= 0) {
    char chunk[4096];
    for (;;) {
      ssize_t r = read(mfd, chunk, sizeof chunk);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      hk_sw_bytes(&w, chunk, (size_t)r);
      last = chunk[r - 1];
    }
    close(mfd);
  }
  if (last != '\n') hk_sw_str(&w, "\n");
  hk_sw_str(&w, "end maps\n");
  for (uint32_t i = 0; i < HK_SAMPLER_LIVE_SLOT; i++) {
    const hk_slive_t *e = &hk_sampler_live[i];
    if (!e->addr) continue;
    hk_sw_str(&w, "live ");
    hk_sw_u64(&w, e->est_bytes);
    hk_sw_str(&w, " ");
    hk_sw_u64(&w, e->est_count);
    hk_sw_str(&w, " ");
    hk_sw_u64(&w, e->size);
    hk_sw_frames(&w, e->stack);
  }
  for (uint32_t i = 0; i < HK_SAMPLER_STACK_SLOT; i++) {
    const hk_sstack_t *s = &hk_sampler_stacks[i];
    if (!s->depth) continue;
    hk_sw_str(&w, "alloc ");
    hk_sw_u64(&w, s->est_bytes);
    hk_sw_str(&w, " ");
    hk_sw_u64(&w, s->est_count);
    hk_sw_frames(&w, i);
  }
  hk_unlock(&hk_sampler_lock);
  hk_sw_str(&w, "end\n");
  hk_sw_flush(&w);
  if (path) close(fd);
  return 0;
}

/* HAKMEM_PROFILE with every %p replaced by the pid (so a forked child writes its own). */
static int hk_sampler_expand(char *out, size_t cap) {
  char pid[24];
  size_t np = hk_fmt_u64(pid, (uint64_t)getpid()), n = 0;
  for (const char *s = hk_sampler_out.path; *s; s++) {
    const char *add = s;
    size_t k = 1;
    if (s[0] == '%' && s[1] == 'p') add = pid, k = np, s++;
    if (n + k >= cap) return -1;
    memcpy(out + n, add, k);
    n += k;
  }
  out[n] = 0;
  return 0;
}

static void hk_sampler_to_env_path(const char *reason, int in_signal) {
  char path[sizeof hk_sampler_out.path + 64];
  if (hk_sampler_out.fd >= 0) hk_sampler_write(NULL, hk_sampler_out.fd, reason, in_signal);
  else if (hk_sampler_out.path[0] && !hk_sampler_expand(path, sizeof path))
    hk_sampler_write(path, -1, reason, in_signal);
}

static int hk_sampler_dump(const char *path, const char *reason) { return hk_sampler_write(path, -1, reason, 0); }

static void hk_sampler_on_signal(int sig) {
  (void)sig;
  int saved = errno;
  hk_sampler_busy++; /* an allocation interrupted here is not sampled meanwhile */
  hk_sampler_to_env_path("signal", 1);
  hk_sampler_busy--;
  errno = saved;
}

/* Start-up, before any allocation returns: no allocation (getenv, sigaction). */
static void hk_sampler_init(void) {
  hk_sampler_start_ns = hk_sampler_now_ns();
  hk_env_out_setup(&hk_sampler_out, "HAKMEM_PROFILE", "HAKMEM_PROFILE_SIGNAL", SIGUSR1, hk_sampler_on_signal);
}

/* libc is up once constructors run: from here a sample may call backtrace. Its first call
 * loads libgcc_s and sets up the unwinder; made here, at start-up, not in the middle of the
 * program's first sampled allocation: there, `gcc -O2` linking under the profiling variant had
 * ld abort inside _Unwind_Backtrace in about 1 run in 250 (2 in ~600), none in 1500 since. */
__attribute__((constructor)) static void hk_sampler_arm(void) {
  void *pc[2];
  hk_sampler_busy = 1;
  (void)backtrace(pc, 2);
  hk_sampler_busy = 0;
  __atomic_store_n(&hk_sampler_ready, 1, __ATOMIC_RELEASE);
}

__attribute__((destructor)) static void hk_sampler_at_exit(void) { hk_sampler_to_env_path("exit", 0); }

static void hk_sampler_lock_all(void) { hk_lock(&hk_sampler_lock); }
static void hk_sampler_unlock_all(void) { hk_unlock(&hk_sampler_lock); }
static void hk_sampler_reset_locks(void) { hk_lock_reset(&hk_sampler_lock); }

static int hk_sampler_probe(enum hk_sampler_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_SAMPLER_SAMPLES: *out = (int64_t)__atomic_load_n(&hk_sampler_samples, __ATOMIC_RELAXED); return 0;
  case HK_PROBE_SAMPLER_LIVE: *out = (int64_t)__atomic_load_n(&hk_sampler_nlive, __ATOMIC_RELAXED); return 0;
  case HK_PROBE_SAMPLER_STACKS: *out = (int64_t)__atomic_load_n(&hk_sampler_nstacks, __ATOMIC_RELAXED); return 0;
  case HK_PROBE_SAMPLER_DROPPED: *out = (int64_t)__atomic_load_n(&hk_sampler_dropped, __ATOMIC_RELAXED); return 0;
  case HK_PROBE_SAMPLER_SAMPLE_BYTES: *out = (int64_t)HK_CFG_SAMPLER_SAMPLE_BYTES; return 0;
  }
  return -1;
}
