/* random_mixed: one thread, random sizes over a working set.
 *
 *   random_mixed <ops> <slots> <seed> [min-size] [max-size]
 *
 * Each op picks a random slot of the working set: an occupied slot is freed,
 * an empty one gets a new block of a random size in [min, max) (default
 * 16..1040 bytes), written to. Reports ops/s (one op = one malloc or one free). */
#include "bench.h"

static const char *PROG = "random_mixed";

int main(int argc, char **argv) {
  if (argc < 4 || argc > 6) {
    fprintf(stderr, "usage: %s <ops> <slots> <seed> [min-size] [max-size]\n", PROG);
    return 2;
  }
  uint64_t ops = bench_arg_u64(PROG, "ops", argv[1]);
  size_t slots = (size_t)bench_arg_u64(PROG, "slots", argv[2]);
  uint64_t seed = bench_arg_u64(PROG, "seed", argv[3]);
  size_t min_size = argc > 4 ? (size_t)bench_arg_u64(PROG, "min-size", argv[4]) : 16;
  size_t max_size = argc > 5 ? (size_t)bench_arg_u64(PROG, "max-size", argv[5]) : 1040;
  if (slots < 1) bench_die(PROG, "slots must be >= 1");
  if (min_size < 1 || max_size <= min_size) bench_die(PROG, "need 1 <= min-size < max-size");
  size_t range = max_size - min_size;

  void **slot = calloc(slots, sizeof(void *));
  if (!slot) bench_oom(PROG, slots * sizeof(void *));
  bench_rng rng;
  bench_rng_seed(&rng, seed);

  double t0 = bench_now();
  for (uint64_t i = 0; i < ops; i++) {
    size_t k = (size_t)bench_rng_below(&rng, slots);
    if (slot[k]) {
      free(slot[k]);
      slot[k] = NULL;
    } else {
      size_t sz = min_size + (size_t)bench_rng_below(&rng, range);
      void *p = malloc(sz);
      if (!p) bench_oom(PROG, sz);
      bench_touch(p, sz);
      slot[k] = p;
    }
  }
  double elapsed = bench_now() - t0;

  char extra[128];
  snprintf(extra, sizeof extra, ",\"slots\":%zu,\"minSize\":%zu,\"maxSize\":%zu", slots, min_size, max_size);
  bench_report(PROG, ops, elapsed, extra);
  for (size_t k = 0; k < slots; k++) free(slot[k]);
  free(slot);
  return 0;
}
