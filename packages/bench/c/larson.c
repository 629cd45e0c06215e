/* larson: the classic server simulation (Larson & Krishnan).
 *
 *   larson <seconds> <min-size> <max-size> <blocks-per-thread> <rounds> <seed> <threads> [ops]
 *
 * Each of <threads> lineages owns an array of <blocks-per-thread> blocks, filled
 * by the main thread up front. A lineage's thread replaces random blocks with new
 * blocks of a random size in [min, max) — one op = one free + one malloc — and
 * after <rounds> x <blocks> replacements hands its array to a new thread that it
 * creates, then exits. So most frees are of blocks another (often dead) thread
 * allocated.
 *
 * Time mode (the classic one): runs for <seconds> (fractions allowed).
 * Op-count mode: when [ops] > 0 the lineages do exactly [ops] replacements in
 * total (split evenly) and <seconds> is ignored — used for instruction counts.
 * Reports ops/s over all lineages. */
#include "bench.h"
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

static const char *PROG = "larson";

typedef struct {
  void **blocks;
  size_t nblocks;
  size_t min_size, range;
  uint64_t per_life; /* replacements before handing off */
  uint64_t target;   /* 0 = until stopped */
  uint64_t done_ops;
  uint64_t handoffs;
  bench_rng rng;
} lineage;

static atomic_int stop_flag;
static pthread_mutex_t fin_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fin_cv = PTHREAD_COND_INITIALIZER;
static int finished;

static void *exercise(void *arg);

static void spawn(lineage *l) {
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  int rc;
  while ((rc = pthread_create(&t, &attr, exercise, l)) == EAGAIN) usleep(100);
  if (rc != 0) bench_die(PROG, "pthread_create failed");
  pthread_attr_destroy(&attr);
}

static void *exercise(void *arg) {
  lineage *l = (lineage *)arg;
  uint64_t n = l->per_life;
  if (l->target && l->target - l->done_ops < n) n = l->target - l->done_ops;
  uint64_t i = 0;
  for (; i < n; i++) {
    if (!l->target && atomic_load_explicit(&stop_flag, memory_order_relaxed)) break;
    size_t victim = (size_t)bench_rng_below(&l->rng, l->nblocks);
    free(l->blocks[victim]);
    size_t sz = l->min_size + (size_t)bench_rng_below(&l->rng, l->range);
    void *p = malloc(sz);
    if (!p) bench_oom(PROG, sz);
    bench_touch(p, sz);
    l->blocks[victim] = p;
  }
  l->done_ops += i;
  int more = l->target ? l->done_ops < l->target : !atomic_load(&stop_flag);
  if (more) {
    l->handoffs++;
    spawn(l); /* the successor continues with our array */
  } else {
    pthread_mutex_lock(&fin_mu);
    finished++;
    pthread_cond_signal(&fin_cv);
    pthread_mutex_unlock(&fin_mu);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 8 || argc > 9) {
    fprintf(stderr, "usage: %s <seconds> <min-size> <max-size> <blocks-per-thread> <rounds> <seed> <threads> [ops]\n",
            PROG);
    return 2;
  }
  double seconds = bench_arg_double(PROG, "seconds", argv[1]);
  size_t min_size = (size_t)bench_arg_u64(PROG, "min-size", argv[2]);
  size_t max_size = (size_t)bench_arg_u64(PROG, "max-size", argv[3]);
  size_t nblocks = (size_t)bench_arg_u64(PROG, "blocks-per-thread", argv[4]);
  uint64_t rounds = bench_arg_u64(PROG, "rounds", argv[5]);
  uint64_t seed = bench_arg_u64(PROG, "seed", argv[6]);
  int threads = (int)bench_arg_u64(PROG, "threads", argv[7]);
  uint64_t ops = argc > 8 ? bench_arg_u64(PROG, "ops", argv[8]) : 0;
  if (min_size < 1 || max_size <= min_size) bench_die(PROG, "need 1 <= min-size < max-size");
  if (nblocks < 1 || rounds < 1 || threads < 1) bench_die(PROG, "blocks, rounds and threads must be >= 1");
  if (!ops && seconds <= 0) bench_die(PROG, "seconds must be > 0 unless an op count is given");

  lineage *ls = calloc((size_t)threads, sizeof *ls);
  if (!ls) bench_oom(PROG, sizeof *ls * (size_t)threads);
  for (int t = 0; t < threads; t++) {
    lineage *l = &ls[t];
    l->nblocks = nblocks;
    l->min_size = min_size;
    l->range = max_size - min_size;
    l->per_life = rounds * nblocks;
    l->target = ops ? ops / (uint64_t)threads + ((uint64_t)t < ops % (uint64_t)threads ? 1 : 0) : 0;
    bench_rng_seed(&l->rng, seed * 1000003ull + (uint64_t)t);
    l->blocks = malloc(nblocks * sizeof(void *));
    if (!l->blocks) bench_oom(PROG, nblocks * sizeof(void *));
    for (size_t i = 0; i < nblocks; i++) { /* warm-up: the main thread fills every array */
      size_t sz = min_size + (size_t)bench_rng_below(&l->rng, l->range);
      void *p = malloc(sz);
      if (!p) bench_oom(PROG, sz);
      bench_touch(p, sz);
      l->blocks[i] = p;
    }
  }

  double t0 = bench_now();
  for (int t = 0; t < threads; t++) {
    if (ls[t].target == 0 && ops) {
      finished++;
      continue;
    }
    spawn(&ls[t]);
  }
  if (!ops) {
    struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
    atomic_store(&stop_flag, 1);
  }
  pthread_mutex_lock(&fin_mu);
  while (finished < threads) pthread_cond_wait(&fin_cv, &fin_mu);
  pthread_mutex_unlock(&fin_mu);
  double elapsed = bench_now() - t0;

  uint64_t total = 0, handoffs = 0;
  for (int t = 0; t < threads; t++) {
    total += ls[t].done_ops;
    handoffs += ls[t].handoffs;
  }
  char extra[256];
  snprintf(extra, sizeof extra,
           ",\"threads\":%d,\"minSize\":%zu,\"maxSize\":%zu,\"blocks\":%zu,\"rounds\":%llu,\"handoffs\":%llu,\"mode\":"
           "\"%s\"",
           threads, min_size, max_size, nblocks, (unsigned long long)rounds, (unsigned long long)handoffs,
           ops ? "ops" : "time");
  bench_report(PROG, total, elapsed, extra);

  for (int t = 0; t < threads; t++) {
    for (size_t i = 0; i < nblocks; i++) free(ls[t].blocks[i]);
    free(ls[t].blocks);
  }
  free(ls);
  return 0;
}
