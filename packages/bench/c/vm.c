/* vm: big blocks (2 MiB and more), allocated, touched page by page, freed.
 *
 *   vm <ops> <max-mib> <seed> [live]
 *
 * Keeps <live> blocks (default 4); each op frees a random one and allocates a
 * new block of a random size in [2 MiB, <max-mib> MiB) (page-granular), then
 * writes one byte in every 4 KiB page of it. This measures how the allocator
 * gets, reuses and returns big mappings (page faults included). Reports ops/s
 * (one op = one free + one malloc + the touch). */
#include "bench.h"

static const char *PROG = "vm";

#define MAX_LIVE 64
#define MIB      (1024u * 1024u)
#define PAGE     4096u

int main(int argc, char **argv) {
  if (argc < 4 || argc > 5) {
    fprintf(stderr, "usage: %s <ops> <max-mib> <seed> [live]\n", PROG);
    return 2;
  }
  uint64_t ops = bench_arg_u64(PROG, "ops", argv[1]);
  size_t max_mib = (size_t)bench_arg_u64(PROG, "max-mib", argv[2]);
  uint64_t seed = bench_arg_u64(PROG, "seed", argv[3]);
  size_t live = argc > 4 ? (size_t)bench_arg_u64(PROG, "live", argv[4]) : 4;
  if (max_mib <= 2) bench_die(PROG, "max-mib must be > 2");
  if (live < 1 || live > MAX_LIVE) bench_die(PROG, "live must be in 1..64");
  size_t min_size = 2 * (size_t)MIB, range_pages = (max_mib * MIB - min_size) / PAGE;

  void *slot[MAX_LIVE] = { 0 };
  bench_rng rng;
  bench_rng_seed(&rng, seed);
  uint64_t touched = 0;

  double t0 = bench_now();
  for (uint64_t i = 0; i < ops; i++) {
    size_t k = (size_t)bench_rng_below(&rng, live);
    free(slot[k]);
    size_t sz = min_size + (size_t)bench_rng_below(&rng, range_pages) * PAGE;
    unsigned char *p = malloc(sz);
    if (!p) bench_oom(PROG, sz);
    for (size_t off = 0; off < sz; off += PAGE) p[off] = (unsigned char)off;
    p[sz - 1] = 1;
    bench_escape(p);
    touched += sz / PAGE;
    slot[k] = p;
  }
  double elapsed = bench_now() - t0;

  char extra[128];
  snprintf(extra, sizeof extra, ",\"maxMib\":%zu,\"live\":%zu,\"pagesTouched\":%llu", max_mib, live,
           (unsigned long long)touched);
  bench_report(PROG, ops, elapsed, extra);
  for (size_t k = 0; k < live; k++) free(slot[k]);
  return 0;
}
