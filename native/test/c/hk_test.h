/* Shared helpers for hakmem's C test programs (native/test/c).
 *
 * Every program calls hk_require_hakmem() first: it proves that the malloc
 * family the program uses is hakmem's (via LD_PRELOAD, -lhakmem, or the static
 * archive), and prints "hakmem variant=<name>". HK_TEST_ALLOW_GLIBC=1 disables
 * the proof, for dry runs against glibc only. HK_TEST_STATIC=1 tells it that
 * hakmem is linked into the executable itself (libhakmem.a, or the exported C file): in a
 * fully static executable (musl-gcc -static), where dlsym and dladdr see nothing, the proof is
 * hakmem's own functions linked in and its registry claiming what malloc returns.
 * Programs end with hk_done(), which prints "ok <n> checks" and exits 0;
 * CHECK() prints a message and exits 1 on the first failure. */
#ifndef HK_TEST_H
#define HK_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long hk_checks_total;    /* summed at thread exit / hk_done */
static __thread unsigned long hk_checks; /* per thread: no contention */
static int hk_glibc_mode;

__attribute__((noreturn, format(printf, 3, 4), unused)) static void hk_fail(const char *file, int line, const char *fmt,
                                                                            ...) {
  va_list ap;
  fflush(stdout);
  fprintf(stderr, "FAIL %s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
  _exit(1);
}

#define FAIL(...) hk_fail(__FILE__, __LINE__, __VA_ARGS__)
/* CHECK(cond, fmt, ...): the message is printed after the condition's text. */
#define CHECK(cond, ...)                            \
  do {                                              \
    hk_checks++;                                    \
    if (__builtin_expect(!(cond), 0)) {             \
      fflush(stdout);                               \
      fprintf(stderr, "check failed: %s\n", #cond); \
      hk_fail(__FILE__, __LINE__, __VA_ARGS__);     \
    }                                               \
  } while (0)

/* Call at the end of every thread that ran CHECKs (main excluded). */
static inline void hk_thread_checks_flush(void) {
  __atomic_fetch_add(&hk_checks_total, hk_checks, __ATOMIC_RELAXED);
  hk_checks = 0;
}

static inline int hk_env_flag(const char *name) {
  const char *v = getenv(name);
  return v && strcmp(v, "1") == 0;
}

typedef int (*hk_probe_fn)(const char *, const char *, int64_t, int64_t *);

/* hakmem's own functions, weak: NULL unless linked into the executable. Only a fully static
 * executable needs them (dlsym finds nothing there); everywhere else dlsym answers first. */
#ifdef __cplusplus
extern "C" {
#endif
const char *hakmem_variant_name(void) __attribute__((weak));
int hakmem_probe(const char *slot, const char *name, int64_t arg, int64_t *out) __attribute__((weak));
#ifdef __cplusplus
}
#endif
static int hk_fully_static; /* set by hk_require_hakmem_syms */

static inline hk_probe_fn hk_probe_fn_get(void) {
  if (hk_glibc_mode) return NULL;
  if (hk_fully_static) return hakmem_probe;
  return (hk_probe_fn)dlsym(RTLD_DEFAULT, "hakmem_probe");
}

/* Returns 1 and sets *out when the probe exists, 0 when it is unknown/absent. */
static inline int hk_probe(const char *slot, const char *name, int64_t arg, int64_t *out) {
  hk_probe_fn f = hk_probe_fn_get();
  if (!f) return 0;
  return f(slot, name, arg, out) == 0;
}

/* Bytes the variant's block box keeps after every slab block (a canary): malloc(n) takes the
 * class of n plus them, and a block's usable size is its stride less them. 0 without the probe. */
__attribute__((unused)) static int64_t hk_test_tail(void) {
  int64_t t = 0;
  return hk_probe("core", "block_tail", 0, &t) ? t : 0;
}

__attribute__((unused)) static void hk_same_object(const char *what, void *addr, const Dl_info *lib) {
  Dl_info info;
  if (!addr) FAIL("%s: dlsym(RTLD_DEFAULT) found no definition", what);
  if (!dladdr(addr, &info)) FAIL("%s: dladdr failed for %p", what, addr);
  if (info.dli_fbase != lib->dli_fbase)
    FAIL("%s resolves into '%s', not into hakmem ('%s'): hakmem does not serve this program", what,
         info.dli_fname ? info.dli_fname : "?", lib->dli_fname ? lib->dli_fname : "?");
}

/* Proves hakmem serves this program's `symbols` (NULL-terminated list of names
 * to resolve, e.g. "malloc", "free", "_Znwm"); `malloc_addr` is the address
 * of malloc as the program itself sees it. Returns the variant name. */
static const char *hk_require_hakmem_syms(void *malloc_addr, const char *const *symbols) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (hk_env_flag("HK_TEST_ALLOW_GLIBC")) {
    hk_glibc_mode = 1;
    printf("hakmem variant=none (HK_TEST_ALLOW_GLIBC=1: dry run, hakmem checks disabled)\n");
    return "none";
  }
  const char *(*vn)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, "hakmem_variant_name");
  if (!vn && hk_env_flag("HK_TEST_STATIC") && hakmem_variant_name && hakmem_probe) {
    /* A fully static executable: no dynamic symbols to compare. hakmem is linked in, and its
     * registry must claim malloc's blocks (below), so malloc is hakmem's. */
    hk_fully_static = 1;
    vn = hakmem_variant_name;
  } else {
    if (!vn)
      FAIL("hakmem_variant_name not found: this program is not served by hakmem "
           "(run it with LD_PRELOAD=<dist>/libhakmem.so or link it with -lhakmem)");
    Dl_info lib;
    if (!dladdr((void *)vn, &lib)) FAIL("dladdr(hakmem_variant_name) failed");
    if (!hk_env_flag("HK_TEST_STATIC") && (!lib.dli_fname || !strstr(lib.dli_fname, "libhakmem")))
      FAIL("hakmem_variant_name lives in '%s', expected a path containing libhakmem",
           lib.dli_fname ? lib.dli_fname : "?");
    hk_same_object("malloc (as called by this program)", malloc_addr, &lib);
    for (const char *const *s = symbols; *s; s++) hk_same_object(*s, dlsym(RTLD_DEFAULT, *s), &lib);
  }
  const char *name = vn();
  if (!name || !*name) FAIL("hakmem_variant_name() returned an empty name");

  /* The registry must recognise what malloc hands out (when the probe exists). */
  int64_t cls = -1;
  void *small = malloc(48), *big = malloc((size_t)8 << 20);
  if (!small || !big) FAIL("malloc failed during the hakmem check");
  int known = hk_probe("core", "classify", (int64_t)(intptr_t)small, &cls);
  if (known && cls == 0) FAIL("hakmem_probe(core, classify) says malloc(48)=%p is foreign", small);
  if (hk_probe("core", "classify", (int64_t)(intptr_t)big, &cls))
    if (cls == 0) FAIL("hakmem_probe(core, classify) says malloc(8 MiB)=%p is foreign", big);
  if (hk_fully_static && !known) FAIL("hakmem_probe(core, classify) is unknown: cannot prove malloc is hakmem's");
  free(small);
  free(big);
  printf("hakmem variant=%s\n", name);
  return name;
}

static const char *const hk_c_symbols[] = {
  "malloc",        "free",     "calloc", "realloc", "reallocarray",       "posix_memalign",
  "aligned_alloc", "memalign", "valloc", "pvalloc", "malloc_usable_size", NULL,
};

static inline const char *hk_require_hakmem(void) {
  void *(*volatile m)(size_t) = malloc;
  return hk_require_hakmem_syms((void *)m, hk_c_symbols);
}

__attribute__((noreturn, unused)) static void hk_done(void) {
  unsigned long total = __atomic_load_n(&hk_checks_total, __ATOMIC_RELAXED) + hk_checks;
  printf("ok %lu checks\n", total);
  fflush(stdout);
  exit(0);
}

/* Deterministic fill/check: byte i of a block tagged `seed` is (seed*131 + i*7) & 0xff
 * mixed with the high bits of i, so shifted or swapped blocks are caught. */
static inline unsigned char hk_pat(uint64_t seed, size_t i) {
  return (unsigned char)(seed * 131u + i * 7u + (i >> 8) * 13u + (i >> 16));
}

/* Bytes 256k .. 256k+255 of the pattern. With i = 256k + j, i*7 = 1792k + 7j and 1792k is 0
 * mod 256, so byte j is c + 7j with c = seed*131 + 13k + (k >> 8): one constant per run, a
 * loop the compiler vectorizes. Filling and checking a byte at a time through hk_pat was most
 * of the CPU time of api.c and threads.c, which the suite runs on every variant. */
#define HK_PAT_RUN 256
static inline void hk_pat_run(unsigned char run[HK_PAT_RUN], uint64_t seed, size_t k) {
  unsigned char c = (unsigned char)(seed * 131u + k * 13u + (k >> 8));
  for (unsigned j = 0; j < HK_PAT_RUN; j++) run[j] = (unsigned char)(c + j * 7u);
}

static inline void hk_fill(void *p, size_t n, uint64_t seed) {
  unsigned char *b = (unsigned char *)p;
  unsigned char run[HK_PAT_RUN];
  for (size_t at = 0; at < n; at += HK_PAT_RUN) {
    hk_pat_run(run, seed, at / HK_PAT_RUN);
    memcpy(b + at, run, n - at < HK_PAT_RUN ? n - at : HK_PAT_RUN);
  }
}

/* Returns the index of the first bad byte, or (size_t)-1 if the block is intact. */
static inline size_t hk_verify(const void *p, size_t n, uint64_t seed) {
  const unsigned char *b = (const unsigned char *)p;
  unsigned char run[HK_PAT_RUN];
  for (size_t at = 0; at < n; at += HK_PAT_RUN) {
    size_t len = n - at < HK_PAT_RUN ? n - at : HK_PAT_RUN;
    hk_pat_run(run, seed, at / HK_PAT_RUN);
    if (memcmp(b + at, run, len) == 0) continue;
    for (size_t j = 0; j < len; j++)
      if (b[at + j] != run[j]) return at + j;
  }
  return (size_t)-1;
}

#define CHECK_PATTERN(p, n, seed)                                                                                   \
  do {                                                                                                              \
    size_t hk_bad_ = hk_verify((p), (n), (seed));                                                                   \
    CHECK(hk_bad_ == (size_t)-1, "block %p (%zu bytes, seed %llu) corrupted at byte %zu", (void *)(p), (size_t)(n), \
          (unsigned long long)(seed), hk_bad_);                                                                     \
  } while (0)

/* xorshift64*: per-thread deterministic randomness. */
static inline uint64_t hk_rand(uint64_t *s) {
  uint64_t x = *s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * 0x2545F4914F6CDD1DULL;
}

static inline long hk_arg_long(int argc, char **argv, int i, long dflt) {
  return argc > i ? strtol(argv[i], NULL, 0) : dflt;
}

/* VmRSS / VmHWM from /proc/self/status, in KiB (-1 if unreadable). */
__attribute__((unused)) static long hk_proc_status_kib(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long v = -1;
  size_t kl = strlen(key);
  while (fgets(line, sizeof line, f))
    if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
      v = strtol(line + kl + 1, NULL, 10);
      break;
    }
  fclose(f);
  return v;
}

#endif
