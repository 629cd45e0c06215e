/* oom.c — out of memory under an address-space limit (RLIMIT_AS = what the process has mapped
 * now + headroom). Allocation must return NULL with errno ENOMEM, never crash, leave live blocks
 * intact, and succeed again once memory is freed.
 * Usage: oom <phase> [headroom_mib=192]
 *   small  blocks of 16 B .. 8 KiB until NULL; free all; the same again
 *   whole  blocks of 8 KiB .. 256 KiB (whole-chunk slabs) until NULL; free all; again
 *   large  blocks of 256 KiB .. 8 MiB until NULL; free all; again
 *   mixed  all sizes at random until NULL; free all; again, then each range in turn
 *   cross  small blocks until NULL; free all; then one block of headroom - 24 MiB, then large
 *          blocks (address space held by empty slabs must come back to serve another size range)
 *   ulimit small blocks up to 190 MiB, freed, then one block of 360 MiB, under the caller's
 *          own limit (`ulimit -v 400000`) and any allocator: the scenario, for peers
 * Every block is linked through its first word and carries a seed in its second, so the
 * program needs no memory of its own once the limit is set. */
#include "hk_test.h"

#include <malloc.h>
#include <sys/resource.h>

typedef struct node {
  struct node *next;
  uint64_t seed;
  size_t n;
} node_t;

static node_t *live;
static size_t live_count, live_bytes;

static size_t pick(const char *phase, uint64_t *r) {
  uint64_t x = hk_rand(r);
  if (!strcmp(phase, "small")) return 24 + x % 8169;
  if (!strcmp(phase, "whole")) return 8193 + x % (262144 - 8192);
  if (!strcmp(phase, "large")) return 262145 + x % (8u << 20);
  switch (x % 8) { /* mixed */
  case 0: return 262145 + (x >> 3) % (4u << 20);
  case 1:
  case 2: return 8193 + (x >> 3) % (262144 - 8192);
  default: return 24 + (x >> 3) % 8169;
  }
}

/* Allocates until malloc fails; returns how many blocks. Checks the failure is ENOMEM. */
static size_t exhaust(const char *phase, uint64_t seed) {
  uint64_t r = seed;
  size_t count = 0, fails = 0;
  for (;;) {
    size_t n = pick(phase, &r);
    errno = 0;
    node_t *b = malloc(n);
    if (!b) {
      CHECK(errno == ENOMEM, "malloc(%zu) returned NULL with errno %d, expected ENOMEM", n, errno);
      /* Smaller requests may still fit; stop after a run of failures. */
      if (++fails >= 64) break;
      continue;
    }
    fails = 0;
    b->next = live;
    b->seed = hk_rand(&r);
    b->n = n;
    memset((unsigned char *)b + sizeof *b, (int)(b->seed & 0xff), n - sizeof *b < 64 ? n - sizeof *b : 64);
    live = b;
    live_count++;
    live_bytes += n;
    count++;
  }
  return count;
}

/* In the out-of-memory state: every entry point fails cleanly; existing blocks stay intact. */
static void at_the_limit(void) {
  void *out = (void *)0x1234;
  errno = 0;
  CHECK(malloc(64u << 20) == NULL && errno == ENOMEM, "malloc(64 MiB) at the limit");
  errno = 0;
  CHECK(calloc(1, 64u << 20) == NULL && errno == ENOMEM, "calloc(1, 64 MiB) at the limit");
  errno = 0;
  CHECK(aligned_alloc(4096, 64u << 20) == NULL && errno == ENOMEM, "aligned_alloc at the limit");
  errno = 0;
  CHECK(memalign(1u << 21, 64u << 20) == NULL && errno == ENOMEM, "memalign(2 MiB, 64 MiB) at the limit");
  int rc = posix_memalign(&out, 64, 64u << 20);
  CHECK(rc == ENOMEM && out == (void *)0x1234, "posix_memalign at the limit = %d", rc);
  if (live) {
    node_t *b = live;
    node_t saved = *b;
    errno = 0;
    void *q = realloc(b, 64u << 20);
    CHECK(q == NULL && errno == ENOMEM, "realloc(p, 64 MiB) at the limit");
    CHECK(b->next == saved.next && b->seed == saved.seed && b->n == saved.n, "realloc failure changed the block");
    errno = 0;
    q = reallocarray(b, 1u << 20, 64);
    CHECK(q == NULL && errno == ENOMEM, "reallocarray at the limit");
  }
  free(NULL);
}

static void free_all(void) {
  while (live) {
    node_t *b = live;
    live = b->next;
    size_t k = b->n - sizeof *b < 64 ? b->n - sizeof *b : 64;
    unsigned char *c = (unsigned char *)b + sizeof *b;
    for (size_t i = 0; i < k; i++) CHECK(c[i] == (unsigned char)(b->seed & 0xff), "block %p corrupted", (void *)b);
    free(b);
  }
  live_count = live_bytes = 0;
}

static void set_limit(size_t headroom) {
  long vm_kib = hk_proc_status_kib("VmSize");
  CHECK(vm_kib > 0, "cannot read VmSize");
  struct rlimit rl;
  rl.rlim_cur = rl.rlim_max = (rlim_t)vm_kib * 1024 + headroom;
  CHECK(setrlimit(RLIMIT_AS, &rl) == 0, "setrlimit(RLIMIT_AS): %s", strerror(errno));
  printf("RLIMIT_AS = VmSize %ld KiB + %zu MiB\n", vm_kib, headroom >> 20);
  fflush(stdout);
}

int main(int argc, char **argv) {
  const char *phase = argc > 1 ? argv[1] : "mixed";
  if (!strcmp(phase, "ulimit")) {
    /* The scenario under the caller's own limit (ulimit -v 400000): small blocks up to
     * arg2 MiB (default 190), all freed, then one block of arg3 MiB (default 360). Runs under
     * any allocator, so peers can be compared. */
    size_t small = (size_t)hk_arg_long(argc, argv, 2, 190) << 20, big = (size_t)hk_arg_long(argc, argv, 3, 360) << 20;
    uint64_t r = 1;
    while (live_bytes < small) {
      size_t n = pick("small", &r);
      node_t *b = malloc(n);
      if (!b) break;
      b->next = live;
      b->seed = 0;
      b->n = sizeof *b;
      live = b;
      live_bytes += n;
    }
    size_t got = live_bytes;
    free_all();
    void *p = malloc(big);
    printf("phase=ulimit small=%zu MiB freed, then malloc(%zu MiB) %s\n", got >> 20, big >> 20, p ? "fits" : "fails");
    free(p);
    return p ? 0 : 1;
  }
  hk_require_hakmem();
  size_t headroom = (size_t)hk_arg_long(argc, argv, 2, 192) << 20;
  CHECK(!strcmp(phase, "small") || !strcmp(phase, "whole") || !strcmp(phase, "large") || !strcmp(phase, "mixed") ||
            !strcmp(phase, "cross"),
        "unknown phase %s", phase);
  /* Warm up every path (and stdio) before the limit, so what fails later is hakmem's own mapping. */
  for (int i = 0; i < 3; i++) {
    void *p = malloc(100 << (4 * i));
    CHECK(p != NULL, "warm-up");
    free(p);
  }
  set_limit(headroom);

  if (!strcmp(phase, "cross")) {
    size_t n = exhaust("small", 1);
    size_t bytes = live_bytes;
    at_the_limit();
    free_all();
    /* The address space of the freed small blocks comes back whole: one block of nearly all
     * the headroom fits (24 MiB spare for the slabs' headers, stdio and alignment slack). */
    size_t one = headroom - (24u << 20);
    errno = 0;
    void *big = malloc(one);
    CHECK(big != NULL,
          "after freeing %zu MiB of small blocks, malloc(%zu MiB) failed (errno %d): the address "
          "space of empty slabs is not given back",
          bytes >> 20, one >> 20, errno);
    memset(big, 1, 4096);
    free(big);
    printf("phase=cross one block of %zu MiB fits\n", one >> 20);
    size_t again = exhaust("large", 2);
    printf("phase=cross small=%zu blocks (%zu MiB), then large=%zu blocks (%zu MiB)\n", n, bytes >> 20, again,
           live_bytes >> 20);
    CHECK(
        live_bytes >= bytes / 2,
        "after freeing %zu MiB of small blocks, only %zu MiB of large blocks could be allocated: the address space of "
        "empty slabs is not given back",
        bytes >> 20, live_bytes >> 20);
    free_all();
    hk_done();
  }
  size_t first = exhaust(phase, 1);
  size_t first_bytes = live_bytes;
  at_the_limit();
  free_all();
  size_t second = exhaust(phase, 1); /* the same sequence again */
  size_t second_bytes = live_bytes;
  at_the_limit();
  free_all();
  printf("phase=%s first=%zu blocks (%zu MiB) second=%zu blocks (%zu MiB)\n", phase, first, first_bytes >> 20, second,
         second_bytes >> 20);
  CHECK(first > 0 && first_bytes >= headroom / 4, "only %zu MiB allocated under %zu MiB of headroom", first_bytes >> 20,
        headroom >> 20);
  CHECK(second_bytes * 10 >= first_bytes * 9,
        "after freeing everything only %zu MiB could be allocated again (first time %zu MiB)", second_bytes >> 20,
        first_bytes >> 20);
  if (!strcmp(phase, "mixed")) {
    /* After a mixed exhaustion and free, each size range on its own still gets memory. */
    static const char *const ranges[] = { "small", "whole", "large" };
    for (int i = 0; i < 3; i++) {
      uint64_t r = 7;
      size_t n = pick(ranges[i], &r);
      void *p = malloc(n);
      CHECK(p != NULL, "after free, malloc(%zu) (%s) failed: errno %d", n, ranges[i], errno);
      free(p);
    }
  }
  hk_done();
}
