/* large_hardening: the large slot's guard pages and record checksum, one scenario per process
 * (a passing scenario ends the process by a signal). Preload hakmem.
 *
 *   large_hardening overflow fresh|cached|grown|aligned2m|aligned8m|aligned64k
 *       builds a large block the named way (checking that it was built that way), checks
 *       that every usable byte is writable, prints "overflow <addr>" and writes the byte right
 *       after the usable end. With the guard that write is the first byte of a PROT_NONE page:
 *       the SIGSEGV handler prints "fault <addr>" and lets the fault kill the process.
 *       Without it the program prints "survived" and exits 1.
 *   large_hardening forge map_len|offset [free|usable]
 *       maps a region of its own right after a fresh large block's mapping, fills it, then
 *       forges the block's record in its chunk header (found by its size and offset fields):
 *       map_len grown to cover the region, or an offset no block can have. Then frees the
 *       block (or asks its usable size). hakmem must abort; the SIGABRT handler checks that the
 *       region is still mapped and intact and prints "neighbour intact".
 *
 * Addresses are printed as 0x<hex>. */
#include "hk_test.h"
#include <malloc.h>
#include <signal.h>
#include <sys/mman.h>

#define KIB   ((size_t)1024)
#define MIB   ((size_t)1 << 20)
#define CHUNK (2 * MIB)
#define PAGE  ((size_t)4096)

/* "<what> 0x<hex>\n" with write(2) only: also called from signal handlers. */
static void say(const char *what, const void *p) {
  char buf[96];
  size_t n = 0;
  while (*what && n < 64) buf[n++] = *what++;
  buf[n++] = ' ';
  buf[n++] = '0';
  buf[n++] = 'x';
  uintptr_t v = (uintptr_t)p;
  int shift = 60;
  while (shift > 0 && !((v >> shift) & 15)) shift -= 4;
  for (; shift >= 0; shift -= 4) buf[n++] = "0123456789abcdef"[(v >> shift) & 15];
  buf[n++] = '\n';
  (void)!write(1, buf, n);
}

/* ---- overflow ---- */

static void on_segv(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  say("fault", si->si_addr);
  signal(SIGSEGV, SIG_DFL); /* the faulting write runs again and kills the process */
}

static int64_t probe(const char *slot, const char *name, int64_t arg) {
  int64_t v = -1;
  CHECK(hk_probe(slot, name, arg, &v), "probe %s/%s", slot, name);
  return v;
}

/* Every usable byte is writable, and the block is one large block. */
static void writable(unsigned char *p, size_t size) {
  size_t u = malloc_usable_size(p);
  CHECK(u >= size, "usable %zu < %zu", u, size);
  CHECK(probe("core", "classify", (int64_t)(uintptr_t)p) == 2, "%p is not a large block", (void *)p);
  memset(p, 0x5a, u);
}

static unsigned char *build(const char *how) {
  unsigned char *p = NULL;
  if (!strcmp(how, "fresh")) {
    int64_t chunks = probe("superslab", "chunks", 0);
    p = malloc(3 * MIB + 100);
    CHECK(p != NULL, "malloc");
    CHECK(probe("superslab", "chunks", 0) == chunks + 1, "a fresh mapping (the cache is empty)");
    writable(p, 3 * MIB + 100);
  } else if (!strcmp(how, "cached")) {
    /* a mapping reused for a smaller block, then a bigger one, then one more size: its guard
     * moves each time, and the page it left is ordinary memory again */
    unsigned char *a = malloc(4 * MIB);
    CHECK(a != NULL, "malloc");
    writable(a, 4 * MIB);
    free(a);
    int64_t cached = probe("large", "cached", 0);
    CHECK(cached >= 1, "the freed mapping is cached (%lld)", (long long)cached);
    unsigned char *b = malloc(3 * MIB);
    CHECK(b == a, "the cached mapping is reused: %p, then %p", (void *)a, (void *)b);
    CHECK(probe("large", "cached", 0) == cached - 1, "taken from the cache");
    writable(b, 3 * MIB);
    free(b);
    unsigned char *c = malloc(4 * MIB);
    CHECK(c == a, "reused again: %p", (void *)c);
    writable(c, 4 * MIB); /* the 3 MiB block's guard page is writable again */
    free(c);
    p = malloc(3 * MIB + 5000); /* not a page multiple: pushed up to end at the guard */
    CHECK(((uintptr_t)p & ~(uintptr_t)(CHUNK - 1)) == ((uintptr_t)a & ~(uintptr_t)(CHUNK - 1)) && p >= a &&
              p < a + PAGE,
          "reused a third time: %p", (void *)p);
    writable(p, 3 * MIB + 5000);
  } else if (!strcmp(how, "grown")) {
    /* realloc up past every cached mapping: the biggest one grows (mremap) into the block */
    unsigned char *held[8];
    for (int i = 0; i < 8; i++) CHECK((held[i] = malloc(2 * MIB)) != NULL, "malloc");
    for (int i = 0; i < 8; i++) free(held[i]);
    unsigned char *a = malloc(2 * MIB);
    CHECK(a != NULL, "malloc");
    hk_fill(a, 2 * MIB, 7);
    int64_t chunks = probe("superslab", "chunks", 0), cached = probe("large", "cached", 0);
    p = realloc(a, 40 * MIB);
    CHECK(p != NULL, "realloc");
    CHECK_PATTERN(p, 2 * MIB, 7);
    /* grown: one registered, one gone, and a's mapping cached in place of the grown one */
    CHECK(probe("superslab", "chunks", 0) == chunks, "no fresh mapping: the biggest cached one grew");
    CHECK(probe("large", "cached", 0) == cached, "one cached mapping grown, a's cached");
    writable(p, 40 * MIB); /* the grown mapping's old guard page is ordinary memory */
  } else if (!strncmp(how, "aligned", 7)) {
    size_t align = !strcmp(how, "aligned2m") ? 2 * MIB : !strcmp(how, "aligned8m") ? 8 * MIB : 64 * KIB;
    void *q = NULL;
    CHECK(posix_memalign(&q, align, 3 * MIB + 100) == 0, "posix_memalign(%zu)", align);
    p = q;
    CHECK(((uintptr_t)p & (align - 1)) == 0, "%p aligned to %zu", (void *)p, align);
    writable(p, 3 * MIB + 100);
  } else {
    FAIL("unknown block kind %s", how);
  }
  return p;
}

static int overflow(const char *how) {
  unsigned char *p = build(how);
  size_t u = malloc_usable_size(p);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  printf("checks %lu\n", hk_checks);
  say("overflow", p + u);
  ((volatile unsigned char *)p)[u] = 1;
  printf("survived\n");
  return 1;
}

/* ---- forge ---- */

static unsigned char *neighbour;
static size_t neighbour_len;

static void on_abort(int sig) {
  (void)sig;
  for (size_t i = 0; i < neighbour_len; i++)
    if (neighbour[i] != (unsigned char)(i * 7)) {
      say("neighbour corrupted at", neighbour + i);
      return;
    }
  say("neighbour intact", neighbour); /* abort's SIGABRT then kills the process */
}

static int forge(const char *field, const char *use) {
  size_t size = 3 * MIB + 100;
  unsigned char *p = malloc(size);
  CHECK(p != NULL, "malloc");
  size_t u = malloc_usable_size(p);
  uintptr_t ch = (uintptr_t)p & ~(uintptr_t)(CHUNK - 1);
  /* the record: { map_len, size, offset, ... } in the header page; found by its fields */
  size_t *rec = NULL;
  for (size_t *w = (size_t *)ch + 1; w + 2 < (size_t *)(ch + PAGE); w++)
    if (w[1] == u && w[2] == (uintptr_t)p - ch) {
      rec = w;
      break;
    }
  CHECK(rec != NULL, "the record of %p (usable %zu) in its chunk header", (void *)p, u);
  size_t map_len = rec[0];
  CHECK(map_len >= (uintptr_t)p - ch + u && map_len % PAGE == 0, "map_len %zu", map_len);
  neighbour_len = 16 * PAGE;
  neighbour = mmap((void *)(ch + map_len), neighbour_len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  CHECK(neighbour == (void *)(ch + map_len), "our own mapping right after the block's at %#lx (map_len %zu): %p, %s",
        (unsigned long)(ch + map_len), map_len, (void *)neighbour, strerror(errno));
  for (size_t i = 0; i < neighbour_len; i++) neighbour[i] = (unsigned char)(i * 7);
  signal(SIGABRT, on_abort);
  if (!strcmp(field, "map_len")) rec[0] = map_len + neighbour_len; /* free would unmap our region */
  else if (!strcmp(field, "offset")) rec[2] = 3 * PAGE + 8;        /* no block starts there */
  else FAIL("unknown field %s", field);
  printf("checks %lu\n", hk_checks);
  say("forged", (void *)ch);
  if (!strcmp(use, "usable")) printf("usable %zu\n", malloc_usable_size(p));
  else free(p);
  printf("survived\n");
  return 1;
}

int main(int argc, char **argv) {
  hk_require_hakmem();
  malloc_trim(0); /* the check's 8 MiB block leaves the cache: each scenario starts empty */
  if (argc >= 3 && !strcmp(argv[1], "overflow")) return overflow(argv[2]);
  if (argc >= 3 && !strcmp(argv[1], "forge")) return forge(argv[2], argc > 3 ? argv[3] : "free");
  fprintf(stderr, "usage: %s overflow <kind> | forge map_len|offset [free|usable]\n", argv[0]);
  return 2;
}
