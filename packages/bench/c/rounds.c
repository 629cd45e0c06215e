/* rounds: threads working in rounds, each passing part of its blocks to the next thread.
 *
 *   rounds <ops> <threads> <seed> [batch] [keep] [pass-percent] [min-size] [max-size]
 *
 * The shape of rpmalloc's rptest. <threads> threads form a ring. In every round
 * a thread
 *   1. frees every block waiting in its inbox (passed to it by the previous
 *      thread of the ring, which allocated them);
 *   2. allocates <batch> blocks (default 128) and writes them; sizes are drawn
 *      log-uniformly from [min, max) (default 16 B .. 16 KiB): a size octave
 *      (16-31 B, 32-63 B, ..., 8-16 KiB) is picked uniformly, then a size within
 *      it, so half the blocks are under 512 B yet most bytes are in big ones;
 *   3. hands <pass-percent>% of a batch (default 25%) to the next thread: that
 *      many blocks taken at random from its whole working set (so of every age),
 *      linked through the blocks themselves and pushed onto the next thread's
 *      inbox with one atomic exchange (a lock-free multi-producer stack that its
 *      owner empties in one swap);
 *   4. frees random blocks of its working set until it holds at most <keep>
 *      (default 1024) blocks.
 * So about a quarter of all blocks are freed by a thread that did not allocate
 * them, in bursts, while both threads allocate and free locally too. A thread
 * that finds the next one's inbox more than 64 hand-offs behind waits for it
 * (emptying its own inbox meanwhile), which bounds the memory in flight when the
 * threads are not scheduled evenly. After its last round a thread keeps emptying
 * its inbox until every thread is done, then frees its working set.
 *
 * One op = one block: its malloc and its free (wherever that happens). <ops> is
 * the total, split evenly over the threads (a thread's last round may be short);
 * all the frees are inside the timed span. Every block carries its size in its
 * first 8 bytes and a marker in its last byte, checked when it is freed (a
 * corrupted block ends the run with an error). The sizes and choices of each
 * thread come from its own generator, so they repeat with the seed whatever the
 * scheduling. Reports ops/s; extra fields: passed (blocks freed by another
 * thread) and rounds (over all threads). */
#include "bench.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

static const char *PROG = "rounds";

#define TAG       0x726f756e64730000ull /* "rounds" */
#define MARK      0x5a
#define MAX_AHEAD 64 /* hand-offs a thread may have pending at the next one */

typedef struct worker {
  _Alignas(64) _Atomic(void *) inbox; /* blocks linked through their second word */
  atomic_uint_fast64_t inbox_blocks;  /* blocks pushed and not yet freed */
  _Alignas(64) struct worker *next;
  void **set; /* the working set */
  size_t n, cap;
  uint64_t ops; /* blocks to allocate */
  uint64_t rounds, passed, freed_remote;
  bench_rng rng;
} worker;

static size_t batch, keep, pass;
static size_t min_size, max_size;
static unsigned octaves;
static pthread_barrier_t start_barrier;
static atomic_int finished;
static int nthreads;

static size_t draw_size(bench_rng *r) {
  size_t lo = min_size << bench_rng_below(r, octaves);
  size_t hi = lo * 2 < max_size ? lo * 2 : max_size;
  return lo + (size_t)bench_rng_below(r, hi - lo);
}

static void *stamp(size_t n) { return bench_stamp(PROG, n, TAG, MARK); }

/* Blocks of 16 bytes or less may hold the round's link over their mark. */
static void check_free(void *p) { bench_unstamp(PROG, p, TAG, MARK, min_size, max_size, 16); }

static void *link_of(void *p) {
  void *q;
  memcpy(&q, (char *)p + 8, sizeof q);
  return q;
}

static void set_link(void *p, void *q) { memcpy((char *)p + 8, &q, sizeof q); }

/* Free everything in our inbox; returns how many blocks that was. */
static uint64_t drain(worker *w) {
  void *p = atomic_exchange_explicit(&w->inbox, NULL, memory_order_acquire);
  uint64_t k = 0;
  while (p) {
    void *q = link_of(p);
    check_free(p);
    p = q;
    k++;
  }
  if (k) atomic_fetch_sub_explicit(&w->inbox_blocks, k, memory_order_relaxed);
  w->freed_remote += k;
  return k;
}

static void take_out(worker *w, size_t i) { w->set[i] = w->set[--w->n]; }

static void hand_over(worker *w, size_t k) {
  if (k == 0 || w->n == 0) return;
  if (k > w->n) k = w->n;
  worker *to = w->next;
  while (to != w && atomic_load_explicit(&to->inbox_blocks, memory_order_relaxed) > MAX_AHEAD * (uint64_t)pass) {
    drain(w);
    sched_yield();
  }
  void *head = NULL, *tail = NULL;
  for (size_t j = 0; j < k; j++) {
    size_t i = (size_t)bench_rng_below(&w->rng, w->n);
    void *p = w->set[i];
    take_out(w, i);
    set_link(p, head);
    if (!tail) tail = p;
    head = p;
  }
  atomic_fetch_add_explicit(&to->inbox_blocks, k, memory_order_relaxed);
  void *old = atomic_load_explicit(&to->inbox, memory_order_relaxed);
  do set_link(tail, old);
  while (!atomic_compare_exchange_weak_explicit(&to->inbox, &old, head, memory_order_release, memory_order_relaxed));
  w->passed += k;
}

static void *run(void *arg) {
  worker *w = (worker *)arg;
  pthread_barrier_wait(&start_barrier);
  uint64_t left = w->ops;
  while (left > 0) {
    size_t b = left < batch ? (size_t)left : batch;
    left -= b;
    drain(w);
    for (size_t j = 0; j < b; j++) w->set[w->n++] = stamp(draw_size(&w->rng));
    hand_over(w, pass < b ? pass : b);
    while (w->n > keep) {
      size_t i = (size_t)bench_rng_below(&w->rng, w->n);
      void *p = w->set[i];
      take_out(w, i);
      check_free(p);
    }
    w->rounds++;
  }
  atomic_fetch_add_explicit(&finished, 1, memory_order_acq_rel);
  while (atomic_load_explicit(&finished, memory_order_acquire) < nthreads)
    if (!drain(w)) sched_yield();
  drain(w); /* everything every thread passed is in by now */
  while (w->n > 0) check_free(w->set[--w->n]);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 4 || argc > 9) {
    fprintf(stderr, "usage: %s <ops> <threads> <seed> [batch] [keep] [pass-percent] [min-size] [max-size]\n", PROG);
    return 2;
  }
  uint64_t ops = bench_arg_u64(PROG, "ops", argv[1]);
  nthreads = (int)bench_arg_u64(PROG, "threads", argv[2]);
  uint64_t seed = bench_arg_u64(PROG, "seed", argv[3]);
  batch = argc > 4 ? (size_t)bench_arg_u64(PROG, "batch", argv[4]) : 128;
  keep = argc > 5 ? (size_t)bench_arg_u64(PROG, "keep", argv[5]) : 1024;
  uint64_t pass_pct = argc > 6 ? bench_arg_u64(PROG, "pass-percent", argv[6]) : 25;
  min_size = argc > 7 ? (size_t)bench_arg_u64(PROG, "min-size", argv[7]) : 16;
  max_size = argc > 8 ? (size_t)bench_arg_u64(PROG, "max-size", argv[8]) : 16384;
  if (nthreads < 1 || batch < 1) bench_die(PROG, "threads and batch must be >= 1");
  if (pass_pct > 100) bench_die(PROG, "pass-percent must be <= 100");
  if (min_size < 16 || max_size <= min_size || max_size > ((size_t)1 << 40))
    bench_die(PROG, "need 16 <= min-size < max-size <= 2^40");
  pass = (size_t)((batch * pass_pct + 50) / 100);
  for (octaves = 1; (min_size << octaves) < max_size; octaves++) {}

  worker *ws = aligned_alloc(64, sizeof(worker) * (size_t)nthreads);
  pthread_t *ts = calloc((size_t)nthreads, sizeof *ts);
  if (!ws || !ts) bench_oom(PROG, sizeof(worker) * (size_t)nthreads);
  memset(ws, 0, sizeof(worker) * (size_t)nthreads);
  pthread_barrier_init(&start_barrier, NULL, (unsigned)nthreads + 1);
  for (int t = 0; t < nthreads; t++) {
    worker *w = &ws[t];
    w->next = &ws[(t + 1) % nthreads];
    w->cap = keep + batch;
    w->set = malloc(w->cap * sizeof(void *));
    if (!w->set) bench_oom(PROG, w->cap * sizeof(void *));
    w->ops = ops / (uint64_t)nthreads + ((uint64_t)t < ops % (uint64_t)nthreads ? 1 : 0);
    bench_rng_seed(&w->rng, seed * 1000003ull + (uint64_t)t);
  }
  for (int t = 0; t < nthreads; t++)
    if (pthread_create(&ts[t], NULL, run, &ws[t]) != 0) bench_die(PROG, "pthread_create failed");
  pthread_barrier_wait(&start_barrier);
  double t0 = bench_now();
  for (int t = 0; t < nthreads; t++) pthread_join(ts[t], NULL);
  double elapsed = bench_now() - t0;

  uint64_t passed = 0, remote = 0, rounds = 0;
  for (int t = 0; t < nthreads; t++) {
    passed += ws[t].passed;
    remote += ws[t].freed_remote;
    rounds += ws[t].rounds;
  }
  if (remote != passed) bench_die(PROG, "a passed block was lost");
  char extra[256];
  snprintf(
      extra, sizeof extra,
      ",\"threads\":%d,\"batch\":%zu,\"keep\":%zu,\"passPerRound\":%zu,\"minSize\":%zu,\"maxSize\":%zu,\"rounds\":%llu,"
      "\"passed\":%llu",
      nthreads, batch, keep, pass, min_size, max_size, (unsigned long long)rounds, (unsigned long long)passed);
  bench_report(PROG, ops, elapsed, extra);
  for (int t = 0; t < nthreads; t++) free(ws[t].set);
  free(ws);
  free(ts);
  return 0;
}
