/* threads.c: cross-thread frees through a shared queue, contents checked on every free.
 * Usage: threads [nthreads=8] [ops_per_thread=200000] */
#include "hk_test.h"

#include <malloc.h>
#include <pthread.h>

typedef struct {
  unsigned char *p;
  size_t n;
  uint64_t seed;
  int owner;
} block_t;

#define QCAP 4096
static struct {
  pthread_mutex_t mu;
  block_t q[QCAP];
  size_t head, len;
} shared = { .mu = PTHREAD_MUTEX_INITIALIZER };

static long ops_per_thread;
static unsigned long cross_frees_total;

/* Header: first 8 bytes hold the seed, so a block that moved or got swapped is caught. */
static block_t make_block(uint64_t *rng, int owner) {
  block_t b;
  b.n = 8 + hk_rand(rng) % (4096 - 8 + 1);
  b.seed = hk_rand(rng);
  b.owner = owner;
  b.p = malloc(b.n);
  CHECK(b.p != NULL, "malloc(%zu) returned NULL", b.n);
  CHECK(((uintptr_t)b.p & 7) == 0, "malloc(%zu)=%p misaligned", b.n, (void *)b.p);
  memcpy(b.p, &b.seed, 8);
  hk_fill(b.p + 8, b.n - 8, b.seed);
  return b;
}

static void check_and_free(const block_t *b) {
  uint64_t s;
  memcpy(&s, b->p, 8);
  CHECK(s == b->seed, "block %p header %llx, expected %llx", (void *)b->p, (unsigned long long)s,
        (unsigned long long)b->seed);
  CHECK_PATTERN(b->p + 8, b->n - 8, b->seed);
  memset(b->p, 0xDD, b->n); /* a use-after-free elsewhere would now show */
  free(b->p);
}

static int queue_push(block_t b) {
  int ok = 0;
  pthread_mutex_lock(&shared.mu);
  if (shared.len < QCAP) {
    shared.q[(shared.head + shared.len++) % QCAP] = b;
    ok = 1;
  }
  pthread_mutex_unlock(&shared.mu);
  return ok;
}

static int queue_pop(block_t *out) {
  int ok = 0;
  pthread_mutex_lock(&shared.mu);
  if (shared.len) {
    *out = shared.q[shared.head];
    shared.head = (shared.head + 1) % QCAP;
    shared.len--;
    ok = 1;
  }
  pthread_mutex_unlock(&shared.mu);
  return ok;
}

#define LOCAL 512
static void *worker(void *arg) {
  int id = (int)(intptr_t)arg;
  uint64_t rng = 0x9E3779B97F4A7C15ULL * (uint64_t)(id + 1);
  static __thread block_t local[LOCAL];
  size_t nlocal = 0;
  unsigned long cross = 0;
  for (long op = 0; op < ops_per_thread; op++) {
    uint64_t r = hk_rand(&rng);
    switch (r % 4) {
    case 0:
    case 1: { /* allocate; half of the new blocks go to the shared queue */
      block_t b = make_block(&rng, id);
      if ((r >> 8) & 1) {
        if (queue_push(b)) break;
      }
      if (nlocal < LOCAL) local[nlocal++] = b;
      else check_and_free(&b);
      break;
    }
    case 2: { /* free one of ours */
      if (!nlocal) break;
      size_t i = (r >> 8) % nlocal;
      check_and_free(&local[i]);
      local[i] = local[--nlocal];
      break;
    }
    case 3: { /* free one from the queue, usually another thread's */
      block_t b;
      if (queue_pop(&b)) {
        if (b.owner != id) cross++;
        check_and_free(&b);
      }
      break;
    }
    }
  }
  for (size_t i = 0; i < nlocal; i++) check_and_free(&local[i]);
  __atomic_fetch_add(&cross_frees_total, cross, __ATOMIC_RELAXED);
  hk_thread_checks_flush();
  return NULL;
}

int main(int argc, char **argv) {
  hk_require_hakmem();
  int nthreads = (int)hk_arg_long(argc, argv, 1, 8);
  ops_per_thread = hk_arg_long(argc, argv, 2, 200000);
  CHECK(nthreads >= 1 && nthreads <= 1024, "bad thread count %d", nthreads);
  pthread_t *t = malloc(sizeof *t * (size_t)nthreads);
  CHECK(t != NULL, "malloc");
  for (int i = 0; i < nthreads; i++)
    CHECK(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0, "pthread_create %d", i);
  for (int i = 0; i < nthreads; i++) CHECK(pthread_join(t[i], NULL) == 0, "pthread_join %d", i);
  free(t);
  /* Whatever is left in the queue, the main thread frees (all remote to it). */
  block_t b;
  size_t left = 0;
  while (queue_pop(&b)) {
    check_and_free(&b);
    left++;
  }
  if (nthreads > 1) CHECK(cross_frees_total > 0, "no cross-thread frees happened");

  /* Afterwards: the main thread allocates a lot and checks integrity. */
  enum { N = 100000 };
  static block_t mine[N];
  uint64_t rng = 12345;
  for (int i = 0; i < N; i++) mine[i] = make_block(&rng, -1);
  for (int i = 0; i < N; i += 2) check_and_free(&mine[i]);
  for (int i = 0; i < N; i += 2) mine[i] = make_block(&rng, -1);
  for (int i = 0; i < N; i++) check_and_free(&mine[i]);
  printf("threads=%d ops=%ld cross_frees=%lu drained=%zu\n", nthreads, ops_per_thread, cross_frees_total, left);
  hk_done();
}
