/* xthread: every block is freed by a thread other than the one that allocated it.
 *
 *   xthread <ops> <pairs> <seed> [min-size] [max-size] [ring]
 *
 * <pairs> producer threads allocate blocks of a random size in [min, max)
 * (default 16..512 bytes), write them, and pass them through a single-producer
 * single-consumer ring (default 1024 slots) to their consumer thread, which
 * frees them. <ops> is the total number of blocks (one op = one malloc on one
 * thread + one free on another). Reports ops/s. */
#include "bench.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

static const char *PROG = "xthread";

typedef struct {
  _Alignas(64) atomic_size_t head; /* consumer position */
  _Alignas(64) atomic_size_t tail; /* producer position */
  _Alignas(64) void **buf;
  size_t mask;
  uint64_t ops;
  size_t min_size, range;
  bench_rng rng;
} pair;

static pthread_barrier_t start_barrier;

static void *producer(void *arg) {
  pair *q = (pair *)arg;
  size_t tail = 0, cap = q->mask + 1;
  pthread_barrier_wait(&start_barrier);
  for (uint64_t i = 0; i < q->ops; i++) {
    size_t sz = q->min_size + (size_t)bench_rng_below(&q->rng, q->range);
    void *p = malloc(sz);
    if (!p) bench_oom(PROG, sz);
    bench_touch(p, sz);
    while (tail - atomic_load_explicit(&q->head, memory_order_acquire) >= cap) sched_yield();
    q->buf[tail & q->mask] = p;
    atomic_store_explicit(&q->tail, ++tail, memory_order_release);
  }
  return NULL;
}

static void *consumer(void *arg) {
  pair *q = (pair *)arg;
  size_t head = 0;
  pthread_barrier_wait(&start_barrier);
  while (head < q->ops) {
    size_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
    if (tail == head) {
      sched_yield();
      continue;
    }
    while (head < tail) {
      void *p = q->buf[head & q->mask];
      ((volatile unsigned char *)p)[0]; /* read it before freeing */
      free(p);
      head++;
    }
    atomic_store_explicit(&q->head, head, memory_order_release);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 4 || argc > 7) {
    fprintf(stderr, "usage: %s <ops> <pairs> <seed> [min-size] [max-size] [ring]\n", PROG);
    return 2;
  }
  uint64_t ops = bench_arg_u64(PROG, "ops", argv[1]);
  int pairs = (int)bench_arg_u64(PROG, "pairs", argv[2]);
  uint64_t seed = bench_arg_u64(PROG, "seed", argv[3]);
  size_t min_size = argc > 4 ? (size_t)bench_arg_u64(PROG, "min-size", argv[4]) : 16;
  size_t max_size = argc > 5 ? (size_t)bench_arg_u64(PROG, "max-size", argv[5]) : 512;
  size_t ring = argc > 6 ? (size_t)bench_arg_u64(PROG, "ring", argv[6]) : 1024;
  if (pairs < 1) bench_die(PROG, "pairs must be >= 1");
  if (min_size < 1 || max_size <= min_size) bench_die(PROG, "need 1 <= min-size < max-size");
  if (ring < 2 || (ring & (ring - 1))) bench_die(PROG, "ring must be a power of two >= 2");

  pair *qs = aligned_alloc(64, sizeof(pair) * (size_t)pairs);
  pthread_t *ts = calloc(2 * (size_t)pairs, sizeof *ts);
  if (!qs || !ts) bench_oom(PROG, sizeof(pair) * (size_t)pairs);
  memset(qs, 0, sizeof(pair) * (size_t)pairs);
  pthread_barrier_init(&start_barrier, NULL, 2u * (unsigned)pairs + 1);
  for (int i = 0; i < pairs; i++) {
    pair *q = &qs[i];
    q->buf = calloc(ring, sizeof(void *));
    if (!q->buf) bench_oom(PROG, ring * sizeof(void *));
    q->mask = ring - 1;
    q->ops = ops / (uint64_t)pairs + ((uint64_t)i < ops % (uint64_t)pairs ? 1 : 0);
    q->min_size = min_size;
    q->range = max_size - min_size;
    bench_rng_seed(&q->rng, seed * 1000003ull + (uint64_t)i);
    if (pthread_create(&ts[2 * i], NULL, producer, q) != 0 || pthread_create(&ts[2 * i + 1], NULL, consumer, q) != 0)
      bench_die(PROG, "pthread_create failed");
  }
  pthread_barrier_wait(&start_barrier);
  double t0 = bench_now();
  for (int i = 0; i < 2 * pairs; i++) pthread_join(ts[i], NULL);
  double elapsed = bench_now() - t0;

  char extra[160];
  snprintf(extra, sizeof extra, ",\"pairs\":%d,\"threads\":%d,\"minSize\":%zu,\"maxSize\":%zu,\"ring\":%zu", pairs,
           2 * pairs, min_size, max_size, ring);
  bench_report(PROG, ops, elapsed, extra);
  for (int i = 0; i < pairs; i++) free(qs[i].buf);
  free(qs);
  free(ts);
  return 0;
}
