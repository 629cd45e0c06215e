/* tiny_hot: one size, malloc/free in a tight loop with a few live blocks.
 *
 *   tiny_hot <ops> <size> [live]
 *
 * Repeatedly allocates <live> blocks (default 4) of <size> bytes, writes to
 * each, and frees them in reverse order. One op = one malloc + one free, so
 * this is the allocator's hot path and little else. Reports ops/s. */
#include "bench.h"

static const char *PROG = "tiny_hot";

#define MAX_LIVE 64

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: %s <ops> <size> [live]\n", PROG);
    return 2;
  }
  uint64_t ops = bench_arg_u64(PROG, "ops", argv[1]);
  size_t size = (size_t)bench_arg_u64(PROG, "size", argv[2]);
  size_t live = argc > 3 ? (size_t)bench_arg_u64(PROG, "live", argv[3]) : 4;
  if (size < 1) bench_die(PROG, "size must be >= 1");
  if (live < 1 || live > MAX_LIVE) bench_die(PROG, "live must be in 1..64");

  void *p[MAX_LIVE];
  uint64_t done = 0;
  double t0 = bench_now();
  while (done < ops) {
    size_t n = ops - done < live ? (size_t)(ops - done) : live;
    for (size_t j = 0; j < n; j++) {
      p[j] = malloc(size);
      if (!p[j]) bench_oom(PROG, size);
      bench_touch(p[j], size);
    }
    for (size_t j = n; j-- > 0;) free(p[j]);
    done += n;
  }
  double elapsed = bench_now() - t0;

  char extra[96];
  snprintf(extra, sizeof extra, ",\"size\":%zu,\"live\":%zu", size, live);
  bench_report(PROG, ops, elapsed, extra);
  return 0;
}
