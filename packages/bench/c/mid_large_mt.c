/* mid_large_mt: threads replacing mid-to-large blocks in their working sets.
 *
 *   mid_large_mt <ops> <threads> <slots-per-thread> <seed> [min-size] [max-size]
 *
 * <threads> threads each keep <slots-per-thread> blocks; each op picks a random
 * slot, frees what is there and allocates a new block of a random size in
 * [min, max) (default 1 KiB .. 64 KiB), writing its first bytes and its last byte.
 * <ops> is the total over all threads. Reports ops/s. */
#include "bench.h"
#include <pthread.h>

static const char *PROG = "mid_large_mt";

typedef struct {
  uint64_t ops;
  size_t slots, min_size, range;
  bench_rng rng;
} worker;

static pthread_barrier_t start_barrier;

static void *run(void *arg) {
  worker *w = (worker *)arg;
  void **slot = calloc(w->slots, sizeof(void *));
  if (!slot) bench_oom(PROG, w->slots * sizeof(void *));
  pthread_barrier_wait(&start_barrier);
  for (uint64_t i = 0; i < w->ops; i++) {
    size_t k = (size_t)bench_rng_below(&w->rng, w->slots);
    free(slot[k]);
    size_t sz = w->min_size + (size_t)bench_rng_below(&w->rng, w->range);
    void *p = malloc(sz);
    if (!p) bench_oom(PROG, sz);
    bench_touch(p, sz);
    slot[k] = p;
  }
  for (size_t k = 0; k < w->slots; k++) free(slot[k]);
  free(slot);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 5 || argc > 7) {
    fprintf(stderr, "usage: %s <ops> <threads> <slots-per-thread> <seed> [min-size] [max-size]\n", PROG);
    return 2;
  }
  uint64_t ops = bench_arg_u64(PROG, "ops", argv[1]);
  int threads = (int)bench_arg_u64(PROG, "threads", argv[2]);
  size_t slots = (size_t)bench_arg_u64(PROG, "slots-per-thread", argv[3]);
  uint64_t seed = bench_arg_u64(PROG, "seed", argv[4]);
  size_t min_size = argc > 5 ? (size_t)bench_arg_u64(PROG, "min-size", argv[5]) : 1024;
  size_t max_size = argc > 6 ? (size_t)bench_arg_u64(PROG, "max-size", argv[6]) : 65536;
  if (threads < 1 || slots < 1) bench_die(PROG, "threads and slots must be >= 1");
  if (min_size < 1 || max_size <= min_size) bench_die(PROG, "need 1 <= min-size < max-size");

  worker *ws = calloc((size_t)threads, sizeof *ws);
  pthread_t *ts = calloc((size_t)threads, sizeof *ts);
  if (!ws || !ts) bench_oom(PROG, (size_t)threads * sizeof *ws);
  pthread_barrier_init(&start_barrier, NULL, (unsigned)threads + 1);
  for (int t = 0; t < threads; t++) {
    ws[t].ops = ops / (uint64_t)threads + ((uint64_t)t < ops % (uint64_t)threads ? 1 : 0);
    ws[t].slots = slots;
    ws[t].min_size = min_size;
    ws[t].range = max_size - min_size;
    bench_rng_seed(&ws[t].rng, seed * 1000003ull + (uint64_t)t);
    if (pthread_create(&ts[t], NULL, run, &ws[t]) != 0) bench_die(PROG, "pthread_create failed");
  }
  pthread_barrier_wait(&start_barrier);
  double t0 = bench_now();
  for (int t = 0; t < threads; t++) pthread_join(ts[t], NULL);
  double elapsed = bench_now() - t0;

  char extra[160];
  snprintf(extra, sizeof extra, ",\"threads\":%d,\"slots\":%zu,\"minSize\":%zu,\"maxSize\":%zu", threads, slots,
           min_size, max_size);
  bench_report(PROG, ops, elapsed, extra);
  free(ws);
  free(ts);
  return 0;
}
