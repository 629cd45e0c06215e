/* mstress: threads swapping blocks through a shared array of slots, restarted every round.
 *
 *   mstress <ops> <threads> <seed> [steps-per-thread] [slots] [large-max]
 *
 * The shape of mimalloc's mstress. All threads share one array of <slots>
 * pointers (default 4096). At each step a thread allocates a block, writes it,
 * and swaps it into a random slot with an atomic exchange; whatever it took out
 * (a block any thread, possibly a dead one, allocated) it frees. So blocks are
 * freed by whichever thread displaces them. Sizes: 99 blocks in 100 are of a
 * random size in [16, 1024) bytes, 1 in 100 in [1024, <large-max>) (default
 * 256 KiB). The run goes in rounds: <threads> threads are created, each does
 * <steps-per-thread> steps (default 10000) and exits, and the main thread joins
 * them before starting the next round's threads, so every round leaves the
 * blocks of exited threads in the slots (their heaps orphaned, the memory to be
 * adopted or handed back) for the next round's threads to free. The slots live
 * on: the main thread frees what is left in them at the end.
 *
 * One op = one step: one malloc, and the free of the block it displaced (the
 * first steps into an empty slot free nothing; the blocks left at the end are
 * freed by the main thread, inside the timed span). <ops> is the total: rounds
 * follow until it is done, the last one short and split evenly over the
 * threads. Every block carries its size in its first 8 bytes and a marker in its
 * last byte, checked before it is freed (a corrupted block ends the run with an
 * error). Each thread of each round draws its sizes and slots from its own
 * generator seeded from <seed>, the round and its index. Reports ops/s; extra
 * fields: rounds, threadsCreated. */
#include "bench.h"
#include <pthread.h>
#include <stdatomic.h>

static const char *PROG = "mstress";

#define TAG       0x6d73747265737300ull /* "mstress" */
#define MARK      0xa5
#define SMALL_MIN 16
#define SMALL_MAX 1024
#define LARGE_ONE 100 /* 1 block in LARGE_ONE is large */

typedef struct {
  uint64_t steps;
  bench_rng rng;
} worker;

static _Atomic(void *) *slots;
static size_t nslots, large_max;

static void *stamp(size_t n) { return bench_stamp(PROG, n, TAG, MARK); }

static void check_free(void *p) {
  if (p) bench_unstamp(PROG, p, TAG, MARK, SMALL_MIN, large_max, 0);
}

static void *run(void *arg) {
  worker *w = (worker *)arg;
  for (uint64_t i = 0; i < w->steps; i++) {
    size_t n = bench_rng_below(&w->rng, LARGE_ONE) == 0
                   ? SMALL_MAX + (size_t)bench_rng_below(&w->rng, large_max - SMALL_MAX)
                   : SMALL_MIN + (size_t)bench_rng_below(&w->rng, SMALL_MAX - SMALL_MIN);
    void *p = stamp(n);
    size_t k = (size_t)bench_rng_below(&w->rng, nslots);
    check_free(atomic_exchange_explicit(&slots[k], p, memory_order_acq_rel));
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 4 || argc > 7) {
    fprintf(stderr, "usage: %s <ops> <threads> <seed> [steps-per-thread] [slots] [large-max]\n", PROG);
    return 2;
  }
  uint64_t ops = bench_arg_u64(PROG, "ops", argv[1]);
  int threads = (int)bench_arg_u64(PROG, "threads", argv[2]);
  uint64_t seed = bench_arg_u64(PROG, "seed", argv[3]);
  uint64_t per_thread = argc > 4 ? bench_arg_u64(PROG, "steps-per-thread", argv[4]) : 10000;
  nslots = argc > 5 ? (size_t)bench_arg_u64(PROG, "slots", argv[5]) : 4096;
  large_max = argc > 6 ? (size_t)bench_arg_u64(PROG, "large-max", argv[6]) : 256 * 1024;
  if (threads < 1 || per_thread < 1 || nslots < 1) bench_die(PROG, "threads, steps-per-thread and slots must be >= 1");
  if (large_max <= SMALL_MAX) bench_die(PROG, "large-max must be > 1024");

  slots = calloc(nslots, sizeof *slots);
  worker *ws = calloc((size_t)threads, sizeof *ws);
  pthread_t *ts = calloc((size_t)threads, sizeof *ts);
  if (!slots || !ws || !ts) bench_oom(PROG, nslots * sizeof *slots);

  uint64_t done = 0, rounds = 0, created = 0;
  double t0 = bench_now();
  while (done < ops) {
    uint64_t round_ops = ops - done < per_thread * (uint64_t)threads ? ops - done : per_thread * (uint64_t)threads;
    int n = 0;
    for (int t = 0; t < threads; t++) {
      ws[t].steps = round_ops / (uint64_t)threads + ((uint64_t)t < round_ops % (uint64_t)threads ? 1 : 0);
      if (ws[t].steps == 0) continue;
      bench_rng_seed(&ws[t].rng, (seed * 1000003ull + rounds) * 1009ull + (uint64_t)t);
      if (pthread_create(&ts[n], NULL, run, &ws[t]) != 0) bench_die(PROG, "pthread_create failed");
      n++;
    }
    for (int t = 0; t < n; t++) pthread_join(ts[t], NULL);
    done += round_ops;
    created += (uint64_t)n;
    rounds++;
  }
  for (size_t k = 0; k < nslots; k++) check_free(atomic_load_explicit(&slots[k], memory_order_relaxed));
  double elapsed = bench_now() - t0;

  char extra[192];
  snprintf(
      extra, sizeof extra,
      ",\"threads\":%d,\"stepsPerThread\":%llu,\"slots\":%zu,\"largeMax\":%zu,\"rounds\":%llu,\"threadsCreated\":%llu",
      threads, (unsigned long long)per_thread, nslots, large_max, (unsigned long long)rounds,
      (unsigned long long)created);
  bench_report(PROG, ops, elapsed, extra);
  free((void *)slots);
  free(ws);
  free(ts);
  return 0;
}
