/* hk_os.h — the OS layer: mappings, returning pages, and messages written without allocating.
 * Everything here is a cold path. A failed mapping is NULL, never a crash. */
#ifndef HK_OS_H
#define HK_OS_H

#include <sys/mman.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/auxv.h>
#include "hk_out.h"

#define HK_PAGE 4096u

/* Process-wide figures kept on cold paths only (mapping is already a syscall). */
typedef struct {
  uint64_t chunks;      /* 2 MiB chunks mapped for slabs, ever */
  uint64_t large_maps;  /* mappings made for large blocks, ever */
  int64_t bytes_mapped; /* bytes mapped now */
} hk_os_counters_t;

static hk_os_counters_t hk_os_counters;

static void *hk_os_map(size_t len) {
  void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return NULL;
  __atomic_fetch_add(&hk_os_counters.bytes_mapped, (int64_t)len, __ATOMIC_RELAXED);
  return p;
}

static void hk_os_unmap(void *p, size_t len) {
  if (munmap(p, len) == 0) __atomic_fetch_sub(&hk_os_counters.bytes_mapped, (int64_t)len, __ATOMIC_RELAXED);
}

/* A mapping of len bytes aligned to align (a power of two >= page). First try where the hint
 * says (right after our last chunk, which is usually free and aligned), then over-map and trim. */
static void *hk_os_map_aligned(size_t len, size_t align) {
  static uintptr_t hint;
  uintptr_t h = __atomic_load_n(&hint, __ATOMIC_RELAXED);
  if (h && (h & (align - 1)) == 0) {
    void *p = mmap((void *)h, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p != MAP_FAILED) {
      if (((uintptr_t)p & (align - 1)) == 0) {
        __atomic_fetch_add(&hk_os_counters.bytes_mapped, (int64_t)len, __ATOMIC_RELAXED);
        __atomic_store_n(&hint, (uintptr_t)p + HK_ALIGN_UP(len, align), __ATOMIC_RELAXED);
        return p;
      }
      munmap(p, len);
    }
  }
  if (len + align < len) return NULL;
  uint8_t *raw = mmap(NULL, len + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) return NULL;
  uint8_t *p = (uint8_t *)HK_ALIGN_UP((uintptr_t)raw, align);
  size_t head = (size_t)(p - raw), tail = align - head;
  if (head) munmap(raw, head);
  if (tail) munmap(p + len, tail);
  __atomic_fetch_add(&hk_os_counters.bytes_mapped, (int64_t)len, __ATOMIC_RELAXED);
  __atomic_store_n(&hint, (uintptr_t)p + HK_ALIGN_UP(len, align), __ATOMIC_RELAXED);
  return p;
}

/* Move the pages of [old, old + len) to dst, which must be a mapping of ours at least len long:
 * page tables move, nothing is copied or faulted again; old is no longer mapped. 0 on success.
 * (mremap is only declared under _GNU_SOURCE, which the unit does not set: the raw call.) */
static int hk_os_move(void *old, size_t len, void *dst) {
  enum { HK_MREMAP_MAYMOVE = 1, HK_MREMAP_FIXED = 2 };
  long r = syscall(SYS_mremap, old, len, len, HK_MREMAP_MAYMOVE | HK_MREMAP_FIXED, dst);
  if (r == -1) return -1;
  __atomic_fetch_sub(&hk_os_counters.bytes_mapped, (int64_t)len, __ATOMIC_RELAXED); /* dst's range was counted */
  return 0;
}

/* 64 unpredictable bits, for the keys of the hardened boxes (cold: start-up and a thread's first
 * use). getrandom(2) by its raw call (no libc wrapper needed, nothing allocated); where the kernel
 * refuses it (seccomp, before the entropy pool is ready), the 16 bytes the kernel put at
 * AT_RANDOM for this process, mixed with a counter so that two calls differ. Never a clock or
 * the time-stamp counter: both are guessable. */
static uint64_t hk_os_random(void) {
  uint64_t k = 0;
  if (syscall(SYS_getrandom, &k, sizeof k, 1 /* GRND_NONBLOCK */) == (long)sizeof k) return k;
  static uint64_t calls;
  const uint64_t *at = (const uint64_t *)getauxval(AT_RANDOM);
  uint64_t x = (at ? at[0] ^ (at[1] << 1 | at[1] >> 63) : (uint64_t)(uintptr_t)&k) +
               __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED) * 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull; /* splitmix64's finaliser */
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* A cycle count for the stats slot's profiles: the time-stamp counter on x86-64, the virtual
 * counter on AArch64, else the monotonic clock in ns. Profiles compare paths with one another
 * within a run, so the unit only has to be the same everywhere in the process. */
static inline uint64_t hk_os_ticks(void) {
#if defined(__x86_64__) || defined(__i386__)
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (uint64_t)hi << 32 | lo;
#elif defined(__aarch64__)
  uint64_t v;
  __asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
  return v;
#else
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

/* Wait while *w == v (a private futex; a signal or a spurious wake returns early: callers loop),
 * and wake one waiter. No allocation; Linux's futex(2) by number (FUTEX_WAIT/WAKE_PRIVATE). */
static void hk_os_wait(uint32_t *w, uint32_t v) { syscall(SYS_futex, w, 128 /* WAIT|PRIVATE */, v, NULL, NULL, 0); }
static void hk_os_wake(uint32_t *w) { syscall(SYS_futex, w, 129 /* WAKE|PRIVATE */, 1, NULL, NULL, 0); }

/* Wait as hk_os_wait does, for at most ms milliseconds. */
static void hk_os_wait_ms(uint32_t *w, uint32_t v, long ms) {
  struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
  syscall(SYS_futex, w, 128 /* WAIT|PRIVATE */, v, &t, NULL, 0);
}

/* The lock every cold path shares (heap adoption and refills, the large cache, the pool's slow
 * paths, fork), never a hot path. Uncontended it costs what a spin lock does: one exchange to
 * take, one plain store to give back. A waiter spins briefly for a short hold, then sleeps on a
 * futex: a holder preempted in a long hold (an madvise under a heap's lock while more threads
 * than cores run) gets the CPU instead of waiters that yield to each other (lean's fork_heaps
 * under two CPU hogs: 28.9 s spinning on sched_yield, 4.4 s sleeping). The release reads
 * `sleepers` after its store without a fence, so it can miss a waiter that has just gone to
 * sleep: each sleep is bounded (1 ms) and the waiter tries again. */
typedef struct {
  uint32_t v;        /* 0 free, 1 held */
  uint32_t sleepers; /* waiters in or entering a futex wait on v */
} hk_lock_t;
#define HK_LOCK_INIT \
  { 0, 0 }

/* A spin-wait hint: the CPU's pause (x86) or yield (aarch64); elsewhere a compiler barrier. */
static inline void hk_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __asm__ volatile("pause");
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#else
  __asm__ volatile("" ::: "memory");
#endif
}

static inline int hk_trylock(hk_lock_t *l) {
  return !__atomic_load_n(&l->v, __ATOMIC_RELAXED) && !__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE);
}
static HK_NOINLINE void hk_lock_wait(hk_lock_t *l) {
  for (int i = 0; i < 100; i++) {
    hk_cpu_relax();
    if (hk_trylock(l)) return;
  }
  __atomic_fetch_add(&l->sleepers, 1, __ATOMIC_SEQ_CST);
  while (__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE)) hk_os_wait_ms(&l->v, 1, 1);
  __atomic_fetch_sub(&l->sleepers, 1, __ATOMIC_RELAXED);
}
static inline void hk_lock(hk_lock_t *l) {
  if (HK_LIKELY(!__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE))) return;
  hk_lock_wait(l);
}
static inline void hk_unlock(hk_lock_t *l) {
  __atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
  if (HK_UNLIKELY(__atomic_load_n(&l->sleepers, __ATOMIC_RELAXED))) hk_os_wake(&l->v);
}
static inline void hk_lock_reset(hk_lock_t *l) {
  __atomic_store_n(&l->v, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&l->sleepers, 0, __ATOMIC_RELAXED);
}

/* A coarse monotonic clock in ms (the vDSO's CLOCK_MONOTONIC_COARSE: no syscall, a tick of
 * a few ms). Cold paths only: the purge slot reads it on a fraction of its slow paths. */
static uint64_t hk_clock_ms(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0) return 0;
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Give the pages back; the range stays mapped and reads as zero when touched again. */
static void hk_os_decommit(void *p, size_t len) {
  uintptr_t a = HK_ALIGN_UP((uintptr_t)p, HK_PAGE);
  uintptr_t e = ((uintptr_t)p + len) & ~(uintptr_t)(HK_PAGE - 1);
  if (e > a) madvise((void *)a, e - a, MADV_DONTNEED);
}

/* The whole of a small file into buf (NUL-terminated), with open and read only (no
 * allocation: start-up and signal handlers may use it); its length, or -1. */
static long hk_os_read_file(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  long n = 0;
  while ((size_t)n + 1 < cap) {
    ssize_t r = read(fd, buf + n, cap - 1 - (size_t)n);
    if (r <= 0) break;
    n += r;
  }
  close(fd);
  buf[n] = 0;
  return n;
}

/* ---- messages: write(2) only, never stdio (stdio allocates): hk_out.h ---- */

/* "hakmem: <what> <ptr>\n" on stderr, keeping errno. */
static void hk_os_warn(const char *what, const void *p) {
  int e = errno;
  hk_out_t o;
  hk_out_fd(&o, 2);
  hk_out_printf(&o, p ? "hakmem: %s %p\n" : "hakmem: %s\n", what, p);
  hk_out_end(&o);
  errno = e;
}

/* ---- A file named by an environment variable, for writers at exit or in a signal handler ----
 * Read once at start-up, on the cold path, without allocating (getenv is not for signal
 * handlers): the path is copied; "-" or /dev/stderr keeps a private copy of stderr instead
 * (programs may close fd 2 before destructors run, and /dev/stderr cannot be opened when fd 2
 * is a socket). When `signal_var` is 1, `handler` is installed for `signo` (SA_RESTART); set
 * without a destination, or to anything but 0 or 1, it prints one line and installs nothing. */
typedef struct {
  char path[1024]; /* empty when the destination is fd */
  int fd;          /* the copy of stderr, or -1 */
} hk_env_out_t;

static int hk_env_out_given(const hk_env_out_t *o) { return o->fd >= 0 || o->path[0] != 0; }

static void hk_env_out_setup(hk_env_out_t *o, const char *var, const char *signal_var, int signo,
                             void (*handler)(int)) {
  o->path[0] = 0;
  o->fd = -1;
  const char *path = getenv(var), *sig = getenv(signal_var);
  int want_sig = sig && *sig && strcmp(sig, "0") != 0;
  char msg[160];
  hk_out_t l;
  hk_out_mem(&l, msg, sizeof msg);
  if (!path || !*path) {
    if (!want_sig) return;
    hk_out_printf(&l, "%s needs %s=<file>; no handler installed", signal_var, var);
    hk_out_end(&l);
    hk_os_warn(msg, NULL);
    return;
  }
  if (!strcmp(path, "-") || !strcmp(path, "/dev/stderr")) {
    o->fd = fcntl(2, F_DUPFD_CLOEXEC, 64);
    if (o->fd < 0) return;
  } else if (strlen(path) >= sizeof o->path) {
    hk_out_printf(&l, "%s: the path is longer than 1023 bytes; nothing is written there", var);
    hk_out_end(&l);
    hk_os_warn(msg, NULL);
    return;
  } else {
    memcpy(o->path, path, strlen(path) + 1);
  }
  if (!want_sig) return;
  if (strcmp(sig, "1") != 0) {
    hk_out_printf(&l, "%s accepts 0 or 1; no handler installed", signal_var);
    hk_out_end(&l);
    hk_os_warn(msg, NULL);
    return;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(signo, &sa, NULL);
}

HK_COLD static void hk_os_fatal(const char *what, const void *p) {
  hk_os_warn(what, p);
  abort();
}

HK_COLD static void hk_assert_fail(const char *expr, const char *file, int line) {
  hk_out_t o;
  hk_out_fd(&o, 2);
  hk_out_printf(&o, "hakmem: internal assertion failed: %s at %s:%d\n", expr, file, line);
  hk_out_end(&o);
  abort();
}

#endif
