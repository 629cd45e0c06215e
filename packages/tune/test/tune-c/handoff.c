/* handoff.c — producer–consumer: blocks allocated on one thread, freed on another.
 *
 *   handoff [BLOCKS [PRODUCERS [CONSUMERS [MINSIZE [MAXSIZE [PIN]]]]]]
 *     BLOCKS     blocks in all (default 3000000), split evenly between the producers
 *     PRODUCERS  producer threads (default 1)
 *     CONSUMERS  consumer threads (default 1)
 *     MINSIZE, MAXSIZE  block sizes, uniform in [MINSIZE, MAXSIZE] bytes (default 256;
 *                MAXSIZE defaults to MINSIZE)
 *     PIN        1 (default): pin the threads round robin to the CPUs the process may use,
 *                consumers first, so with one of each on a 2-CPU machine producer and consumer
 *                always run on different CPUs; 0: leave placement to the scheduler
 *
 * Each producer mallocs blocks, writes a word at each end of the block and passes the pointer
 * to a consumer (round robin) through a single-producer single-consumer ring; the consumer
 * reads the block and frees it. The rings live in mmap'd memory, so the allocator under test
 * holds nothing but the blocks themselves. Every free is a cross-thread ("remote") free: the
 * block goes back to the producer's heap. A thread with nothing to do calls sched_yield.
 *
 * Which choice should win, with every returned block put back on its slab
 * (refill.collectToFront false, the tune test's base): the remote slot's `batched` box over
 * `direct` (1.1-2.7x in wall time, with the machine's mode). With the default, the producer
 * hands returned blocks out again from its front (no put-back, no refill from the slab) and
 * the two boxes come within 0-26% of each other, in either order (3M blocks of 256 B, 4 runs
 * each, 2026-12-07: 78 vs 79 ms in one mode, 262 vs 193 ms for direct in the other).
 * direct hands each block to its owner with one atomic CAS on the owner heap's channel word,
 * whose cache line the producer takes back on each refill; batched gathers up to batchBlocks
 * (64) blocks per owner in the freeing thread and hands them over with one CAS. With one
 * block size the consumer is the pipeline's bottleneck, so its per-block CAS sets the pace.
 * Keep it so:
 *  - one size class (MINSIZE = MAXSIZE): with sizes spread over several classes (64..256,
 *    even 96..160) the producer, which refills every class and puts back every returned
 *    block, becomes the bottleneck and both boxes run at the same speed;
 *  - one producer and one consumer on a 2-CPU machine: with more threads than CPUs (2 and 2,
 *    1 and 2) a consumer often shares a CPU with the producer it frees for, and batched
 *    wins by only 1.1-1.2x;
 *  - PIN 1: unpinned, the scheduler sometimes puts both threads on one CPU (more often when
 *    the machine is busy), where they take turns, the channel line never moves and both
 *    boxes run at the same speed: a run's time then swings 2-5x with the placement.
 * Other CPU load on the machine stretches some runs of either box by 2-4x (a pinned thread
 * cannot move away from it): compare medians of interleaved runs. Without a second build,
 * HAKMEM_REMOTE_BATCH_BLOCKS=1 makes batched hand over every block at once, slower still
 * than direct (about 3x the time of the default 64).
 *
 * Prints nothing; exits 0 (1 on a bad argument, 2 on a corrupted block, 3 on an OOM). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define RING 4096 /* slots per ring (a power of two) */

typedef struct {
  _Alignas(64) uint64_t head; /* next slot the consumer reads (written by the consumer) */
  _Alignas(64) uint64_t tail; /* next slot the producer writes (written by the producer) */
  _Alignas(64) void *slot[RING];
} ring_t;

static ring_t *rings; /* rings[p * consumers + c] */
static long producers = 1, consumers = 1, minsize = 256, maxsize = 256, pin = 1;
static cpu_set_t allowed;

/* Pin the calling thread to the n-th allowed CPU (round robin). */
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
static long long blocks = 3000000;

/* The producer publishes its tail once per QBATCH slots (and with its last block), so the
 * consumer stays at least a batch behind and slot lines are not passed back and forth while
 * being filled: the ring's own cost stays small and steady next to the allocator's. */
#define QBATCH 64

static void ring_put(ring_t *r, void *p, uint64_t *tail, uint64_t *head_seen, int last) {
  while (*tail - *head_seen >= RING) {
    *head_seen = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
    if (*tail - *head_seen >= RING) sched_yield();
  }
  r->slot[*tail & (RING - 1)] = p;
  ++*tail;
  if (last || (*tail & (QBATCH - 1)) == 0) __atomic_store_n(&r->tail, *tail, __ATOMIC_RELEASE);
}

static void *producer(void *arg) {
  long id = (long)arg;
  pin_to(consumers + id);
  long long n = blocks / producers + (id < blocks % producers);
  uint64_t x = 0x9e3779b97f4a7c15ull * (uint64_t)(id + 1); /* xorshift64 */
  uint64_t tail[64] = { 0 }, head_seen[64] = { 0 };
  long span = maxsize - minsize + 1;
  for (long long i = 0; i < n; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    size_t size = (size_t)(minsize + (long)(x % (uint64_t)span));
    uint64_t *p = malloc(size);
    if (!p) exit(3);
    p[0] = (uint64_t)i;
    ((uint8_t *)p)[size - 1] = (uint8_t)size;
    long c = (long)(i % consumers);
    ring_put(&rings[id * consumers + c], p, &tail[c], &head_seen[c], 0);
  }
  for (long c = 0; c < consumers; c++) ring_put(&rings[id * consumers + c], NULL, &tail[c], &head_seen[c], 1);
  return NULL;
}

static void *consumer(void *arg) {
  long id = (long)arg;
  pin_to(id);
  long live = producers; /* producers that have not sent their NULL yet */
  uint64_t head[64] = { 0 }, tail_seen[64] = { 0 };
  int done[64] = { 0 };
  while (live) {
    int got = 0;
    for (long q = 0; q < producers; q++) {
      if (done[q]) continue;
      ring_t *r = &rings[q * consumers + id];
      if (head[q] == tail_seen[q]) tail_seen[q] = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
      /* drain what is there, publishing our position every QBATCH slots */
      while (head[q] != tail_seen[q]) {
        uint64_t *p = r->slot[head[q] & (RING - 1)];
        head[q]++;
        got = 1;
        if (!p) {
          done[q] = 1;
          live--;
          break;
        }
        if (p[0] > (uint64_t)blocks) exit(2);
        free(p);
        if ((head[q] & (QBATCH - 1)) == 0) __atomic_store_n(&r->head, head[q], __ATOMIC_RELEASE);
      }
      __atomic_store_n(&r->head, head[q], __ATOMIC_RELEASE);
    }
    if (!got) sched_yield();
  }
  return NULL;
}

static long arg(int argc, char **argv, int i, long def, long lo, long hi) {
  if (argc <= i) return def;
  char *end;
  long v = strtol(argv[i], &end, 10);
  if (*end || v < lo || v > hi) {
    fprintf(stderr, "handoff: argument %d (%s) must be in %ld..%ld\n", i, argv[i], lo, hi);
    exit(1);
  }
  return v;
}

int main(int argc, char **argv) {
  blocks = arg(argc, argv, 1, 3000000, 1, 1L << 40);
  producers = arg(argc, argv, 2, 1, 1, 64);
  consumers = arg(argc, argv, 3, 1, 1, 64);
  minsize = arg(argc, argv, 4, 256, 8, 1 << 20);
  maxsize = arg(argc, argv, 5, minsize, minsize, 1 << 20);
  pin = arg(argc, argv, 6, 1, 0, 1);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) pin = 0;
  size_t bytes = sizeof(ring_t) * (size_t)(producers * consumers);
  rings = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (rings == MAP_FAILED) return 3;
  pthread_t t[128];
  for (long c = 0; c < consumers; c++)
    if (pthread_create(&t[c], NULL, consumer, (void *)c)) return 3;
  for (long q = 0; q < producers; q++)
    if (pthread_create(&t[consumers + q], NULL, producer, (void *)q)) return 3;
  for (long i = 0; i < consumers + producers; i++) pthread_join(t[i], NULL);
  munmap(rings, bytes);
  return 0;
}
