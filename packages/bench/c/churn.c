/* churn: threads created and destroyed while allocating, survivors passed on.
 *
 *   churn <ops> <threads> <ops-per-thread> <survivors> <seed> [min-size] [max-size]
 *
 * Runs generations of <threads> short-lived threads. Thread t of a generation
 * inherits the <survivors> live blocks left by thread t of the previous one
 * (allocated by a thread that has exited), replaces random ones with new
 * blocks of a random size in [min, max) (default 16..4096 bytes) for
 * <ops-per-thread> ops, then exits leaving its blocks to its successor. This
 * stresses thread-exit cache flushing, adoption of orphaned memory and RSS
 * growth. <ops> is the total; reports time, ops/s and peak RSS. */
#include "bench.h"
#include <pthread.h>

static const char *PROG = "churn";

typedef struct {
  void **blocks;
  size_t nblocks, min_size, range;
  uint64_t ops;
  bench_rng rng;
} worker;

static void *run(void *arg) {
  worker *w = (worker *)arg;
  for (uint64_t i = 0; i < w->ops; i++) {
    size_t k = (size_t)bench_rng_below(&w->rng, w->nblocks);
    free(w->blocks[k]);
    size_t sz = w->min_size + (size_t)bench_rng_below(&w->rng, w->range);
    void *p = malloc(sz);
    if (!p) bench_oom(PROG, sz);
    bench_touch(p, sz);
    w->blocks[k] = p;
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 6 || argc > 8) {
    fprintf(stderr, "usage: %s <ops> <threads> <ops-per-thread> <survivors> <seed> [min-size] [max-size]\n", PROG);
    return 2;
  }
  uint64_t ops = bench_arg_u64(PROG, "ops", argv[1]);
  int threads = (int)bench_arg_u64(PROG, "threads", argv[2]);
  uint64_t per_thread = bench_arg_u64(PROG, "ops-per-thread", argv[3]);
  size_t survivors = (size_t)bench_arg_u64(PROG, "survivors", argv[4]);
  uint64_t seed = bench_arg_u64(PROG, "seed", argv[5]);
  size_t min_size = argc > 6 ? (size_t)bench_arg_u64(PROG, "min-size", argv[6]) : 16;
  size_t max_size = argc > 7 ? (size_t)bench_arg_u64(PROG, "max-size", argv[7]) : 4096;
  if (threads < 1 || per_thread < 1 || survivors < 1)
    bench_die(PROG, "threads, ops-per-thread and survivors must be >= 1");
  if (min_size < 1 || max_size <= min_size) bench_die(PROG, "need 1 <= min-size < max-size");

  worker *ws = calloc((size_t)threads, sizeof *ws);
  pthread_t *ts = calloc((size_t)threads, sizeof *ts);
  if (!ws || !ts) bench_oom(PROG, (size_t)threads * sizeof *ws);
  for (int t = 0; t < threads; t++) {
    ws[t].blocks = calloc(survivors, sizeof(void *));
    if (!ws[t].blocks) bench_oom(PROG, survivors * sizeof(void *));
    ws[t].nblocks = survivors;
    ws[t].min_size = min_size;
    ws[t].range = max_size - min_size;
    bench_rng_seed(&ws[t].rng, seed * 1000003ull + (uint64_t)t);
  }

  uint64_t done = 0, generations = 0, created = 0;
  double t0 = bench_now();
  while (done < ops) {
    int n = 0;
    for (int t = 0; t < threads && done < ops; t++, n++) {
      ws[t].ops = ops - done < per_thread ? ops - done : per_thread;
      done += ws[t].ops;
      if (pthread_create(&ts[t], NULL, run, &ws[t]) != 0) bench_die(PROG, "pthread_create failed");
      created++;
    }
    for (int t = 0; t < n; t++) pthread_join(ts[t], NULL);
    generations++;
  }
  double elapsed = bench_now() - t0;

  char extra[200];
  snprintf(extra, sizeof extra,
           ",\"threads\":%d,\"opsPerThread\":%llu,\"survivors\":%zu,\"generations\":%llu,\"threadsCreated\":%llu",
           threads, (unsigned long long)per_thread, survivors, (unsigned long long)generations,
           (unsigned long long)created);
  bench_report(PROG, ops, elapsed, extra);
  for (int t = 0; t < threads; t++) {
    for (size_t k = 0; k < survivors; k++) free(ws[t].blocks[k]);
    free(ws[t].blocks);
  }
  free(ws);
  free(ts);
  return 0;
}
