/* handoff_timed.c — handoff.c's producer–consumer pair run for a fixed time, reporting its
 * own throughput: the shape of a server or a fixed-duration benchmark, whose wall time is the
 * same under every allocator.
 *
 *   handoff_timed [MILLIS [SIZE [PIN]]]
 *     MILLIS  how long to run (default 500)
 *     SIZE    block size in bytes (default 256)
 *     PIN     1 (default): producer and consumer pinned to different CPUs (as in handoff.c);
 *             0: placement left to the scheduler
 *
 * One producer mallocs blocks, writes its sequence number into each block's first word and
 * passes it through a single-producer single-consumer ring (in mmap'd memory) to one consumer,
 * which checks the number and frees the block: every free is a cross-thread free. The consumer
 * touches only the block's first cache line, which free() writes anyway, as handoff.c's does:
 * reading a second line of each block would add a transfer per block that hides the
 * allocator's difference. After MILLIS the main thread reads how many blocks the consumer has freed, stops both and
 * prints one line, `ops/s: N` (blocks freed per second), on stdout; it exits 0 (1 on a bad
 * argument, 2 on a corrupted block, 3 on an OOM).
 *
 * Which choice should win: batching the cross-thread frees (the remote slot's `batched` box
 * over `direct`, or larger refill batches) when returned blocks go back on their slabs
 * (refill.collectToFront false, the tune test's base), for the reasons handoff.c gives. Since
 * direct frees into eight lanes per heap the gain depends on the size and on where the VM's two
 * CPUs sit, which changes while it runs (2-CPU machine, quiet, 2026-12-06): with the CPUs far
 * apart 32 B direct 13.1M, batched 20.7M blocks/s (1.57x), 64 B 1.43x, 256 B 1.17x, 1024 B and
 * up 0.85x (the consumer's misses on the blocks dominate); with them sharing a cache (direct
 * 42-45M) 32 B 1.05-1.13x, 64 B 1.15x, 256 B 1.13x. The tune test runs 64 B. Under heavy load
 * the two threads rarely run at the same time and the gain shrinks or goes.
 * Wall time is MILLIS plus start-up under every allocator, and CPU time up to twice that
 * (both threads spin or yield until stopped): only the figure the program prints tells the
 * allocators apart (`hakmem tune --metric 'ops/s: ([0-9.]+)' --higher-is-better`). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define RING   4096 /* slots (a power of two) */
#define QBATCH 64   /* positions are published every QBATCH slots, as in handoff.c */

typedef struct {
  _Alignas(64) uint64_t head;  /* next slot the consumer reads */
  _Alignas(64) uint64_t tail;  /* next slot the producer writes */
  _Alignas(64) uint64_t freed; /* blocks the consumer has freed (published every QBATCH) */
  _Alignas(64) int stop;       /* set by main: the producer sends NULL and returns */
  _Alignas(64) void *slot[RING];
} ring_t;

static ring_t *ring;
static long size = 256, pin = 1;
static cpu_set_t allowed;

static void pin_to(long n) {
  int count = CPU_COUNT(&allowed);
  if (!pin || count < 2) return;
  long k = n % count;
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
    if (CPU_ISSET(cpu, &allowed) && k-- == 0) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cpu, &one);
      pthread_setaffinity_np(pthread_self(), sizeof one, &one);
      return;
    }
}

static void put(void *p, uint64_t *tail, uint64_t *head_seen, int last) {
  while (*tail - *head_seen >= RING) {
    *head_seen = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
    if (*tail - *head_seen >= RING) sched_yield();
  }
  ring->slot[*tail & (RING - 1)] = p;
  ++*tail;
  if (last || (*tail & (QBATCH - 1)) == 0) __atomic_store_n(&ring->tail, *tail, __ATOMIC_RELEASE);
}

static void *producer(void *arg) {
  (void)arg;
  pin_to(1);
  uint64_t tail = 0, head_seen = 0;
  for (uint64_t i = 0;; i++) {
    if ((i & (QBATCH - 1)) == 0 && __atomic_load_n(&ring->stop, __ATOMIC_RELAXED)) break;
    uint64_t *p = malloc((size_t)size);
    if (!p) exit(3);
    p[0] = i;
    ((uint8_t *)p)[size - 1] = (uint8_t)size;
    put(p, &tail, &head_seen, 0);
  }
  put(NULL, &tail, &head_seen, 1);
  return NULL;
}

static void *consumer(void *arg) {
  (void)arg;
  pin_to(0);
  uint64_t head = 0, tail_seen = 0, freed = 0;
  for (;;) {
    if (head == tail_seen) tail_seen = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
    if (head == tail_seen) {
      sched_yield();
      continue;
    }
    while (head != tail_seen) {
      uint64_t *p = ring->slot[head & (RING - 1)];
      head++;
      if (!p) {
        __atomic_store_n(&ring->head, head, __ATOMIC_RELEASE);
        return NULL;
      }
      if (p[0] != head - 1) exit(2); /* the sequence number the producer wrote */
      free(p);
      if ((++freed & (QBATCH - 1)) == 0) {
        __atomic_store_n(&ring->head, head, __ATOMIC_RELEASE);
        __atomic_store_n(&ring->freed, freed, __ATOMIC_RELAXED);
      }
    }
    __atomic_store_n(&ring->head, head, __ATOMIC_RELEASE);
  }
}

static long arg(int argc, char **argv, int i, long def, long lo, long hi) {
  if (argc <= i) return def;
  char *end;
  long v = strtol(argv[i], &end, 10);
  if (*end || v < lo || v > hi) {
    fprintf(stderr, "handoff_timed: argument %d (%s) must be in %ld..%ld\n", i, argv[i], lo, hi);
    exit(1);
  }
  return v;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  long millis = arg(argc, argv, 1, 500, 1, 3600000);
  size = arg(argc, argv, 2, 256, 16, 1 << 20);
  pin = arg(argc, argv, 3, 1, 0, 1);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) pin = 0;
  ring = mmap(NULL, sizeof *ring, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ring == MAP_FAILED) return 3;
  pthread_t c, p;
  double t0 = now();
  if (pthread_create(&c, NULL, consumer, NULL) || pthread_create(&p, NULL, producer, NULL)) return 3;
  struct timespec d = { millis / 1000, (millis % 1000) * 1000000L };
  while (nanosleep(&d, &d) != 0) {}
  uint64_t freed = __atomic_load_n(&ring->freed, __ATOMIC_RELAXED);
  double t1 = now();
  __atomic_store_n(&ring->stop, 1, __ATOMIC_RELAXED);
  pthread_join(p, NULL);
  pthread_join(c, NULL);
  printf("ops/s: %.0f\n", (double)freed / (t1 - t0));
  return 0;
}
