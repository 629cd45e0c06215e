/* Shared helpers for the hakmem benchmark programs.
 * Each program takes its parameters as positional arguments, does a fixed
 * amount of work (or, for larson, a fixed time unless an op count is given),
 * and prints exactly one JSON line on stdout:
 *   {"benchmark":"NAME","ops":N,"seconds":S,"opsPerSec":X,...}
 * Randomness comes from a local xorshift generator (no libc rand), so a run is
 * repeatable from its seed whatever allocator serves it. */
#ifndef HAKMEM_BENCH_H
#define HAKMEM_BENCH_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <sys/resource.h>

/* xorshift64* : tiny, fast, good enough for picking slots and sizes. */
typedef struct {
  uint64_t s;
} bench_rng;

static inline void bench_rng_seed(bench_rng *r, uint64_t seed) {
  /* splitmix64 step so that small/adjacent seeds give unrelated streams */
  uint64_t z = seed + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  r->s = z ? z : 0x2545F4914F6CDD1Dull;
}

static inline uint64_t bench_rng_next(bench_rng *r) {
  uint64_t x = r->s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  r->s = x;
  return x * 0x2545F4914F6CDD1Dull;
}

/* uniform-ish in [0, n) for n > 0 (multiply-shift, no modulo bias worth caring about) */
static inline uint64_t bench_rng_below(bench_rng *r, uint64_t n) {
  return (uint64_t)(((unsigned __int128)bench_rng_next(r) * n) >> 64);
}

/* Make the compiler believe the block escapes, so malloc/free pairs and the
 * stores into them cannot be elided. */
static inline void bench_escape(void *p) { __asm__ volatile("" : : "r"(p) : "memory"); }

/* Touch a freshly allocated block: write its first bytes (one 8-byte store, or
 * byte stores below 8) and its last byte. Cheap, so that instruction counts
 * stay about the allocator, yet every block is really written. */
static inline void bench_touch(void *p, size_t n) {
  unsigned char *c = (unsigned char *)p;
  if (n >= 8) {
    uint64_t v = 0x0123456789abcdefull ^ (uint64_t)n;
    memcpy(c, &v, 8);
    c[n - 1] = 0x5a;
  } else {
    for (size_t i = 0; i < n; i++) c[i] = (unsigned char)(i + 1);
  }
  bench_escape(p);
}

static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline long bench_peak_rss_kb(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return -1;
  return ru.ru_maxrss; /* KiB on Linux */
}

static inline void bench_die(const char *prog, const char *msg) {
  fprintf(stderr, "%s: %s\n", prog, msg);
  exit(2);
}

static inline void bench_oom(const char *prog, size_t n) {
  fprintf(stderr, "%s: allocation of %zu bytes failed\n", prog, n);
  exit(3);
}

/* A block that carries its own size, for programs that pass blocks between threads: the first
 * 8 bytes hold `tag ^ n`, the last byte `mark` (n >= 8). */
static inline void *bench_stamp(const char *prog, size_t n, uint64_t tag, unsigned char mark) {
  void *p = malloc(n);
  if (!p) bench_oom(prog, n);
  unsigned char *c = (unsigned char *)p;
  uint64_t t = tag ^ (uint64_t)n;
  memcpy(c, &t, 8);
  c[n - 1] = mark;
  bench_escape(p);
  return p;
}

/* Check a stamped block and free it: its size must lie in [lo, hi), and its last byte hold the
 * mark when the size is above `mark_above` (smaller blocks may have it overwritten by a link the
 * program keeps in them); otherwise the program stops, since the allocator corrupted it. */
static inline void bench_unstamp(const char *prog, void *p, uint64_t tag, unsigned char mark, size_t lo, size_t hi,
                                 size_t mark_above) {
  unsigned char *c = (unsigned char *)p;
  uint64_t t;
  memcpy(&t, c, 8);
  size_t n = (size_t)(t ^ tag);
  if (n < lo || n >= hi || (n > mark_above && c[n - 1] != mark)) bench_die(prog, "a block was corrupted");
  free(p);
}

/* Parse a non-negative integer argument, with optional k/m/g suffix (powers of 1000). */
static inline uint64_t bench_arg_u64(const char *prog, const char *name, const char *s) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || s[0] == '-') {
    fprintf(stderr, "%s: bad %s '%s' (want a non-negative integer)\n", prog, name, s);
    exit(2);
  }
  if (*end == 'k' || *end == 'K') {
    v *= 1000ull;
    end++;
  } else if (*end == 'm' || *end == 'M') {
    v *= 1000000ull;
    end++;
  } else if (*end == 'g' || *end == 'G') {
    v *= 1000000000ull;
    end++;
  }
  if (*end) {
    fprintf(stderr, "%s: bad %s '%s' (want a non-negative integer)\n", prog, name, s);
    exit(2);
  }
  return v;
}

static inline double bench_arg_double(const char *prog, const char *name, const char *s) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || v < 0) {
    fprintf(stderr, "%s: bad %s '%s' (want a non-negative number)\n", prog, name, s);
    exit(2);
  }
  return v;
}

/* Print the result line: the common fields, then `extra` (already JSON, starting
 * with a comma, or ""). */
static inline void bench_report(const char *name, uint64_t ops, double seconds, const char *extra) {
  double rate = seconds > 0 ? (double)ops / seconds : 0.0;
  printf("{\"benchmark\":\"%s\",\"ops\":%llu,\"seconds\":%.6f,\"opsPerSec\":%.1f,\"peakRssKb\":%ld%s}\n", name,
         (unsigned long long)ops, seconds, rate, bench_peak_rss_kb(), extra ? extra : "");
  fflush(stdout);
}

#endif
