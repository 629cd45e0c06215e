/* hot_loop.c — one thread, one size: allocate K blocks, touch them, free them all, repeat.
 *
 *   hot_loop [ROUNDS [K [SIZE [ORDER]]]]
 *     ROUNDS  rounds (default 200000)
 *     K       blocks live at once in a round (default 128)
 *     SIZE    block size in bytes (default 48)
 *     ORDER   0: free in allocation order (FIFO, default), 1: reverse order (LIFO)
 *
 * Each round mallocs K blocks of SIZE bytes, writes the first word of each, then reads the
 * words back and frees every block. The pointer array lives in mmap'd memory.
 *
 * Which choice should win: a front (thread cache) that holds the whole round. With
 * front/tcache maxBlocks 256 or 1024 (HAKMEM_FRONT_MAX_BLOCKS; the default variant has 256)
 * every malloc and free of a round after the first is a thread-cache hit. With maxBlocks 32
 * (the `lean` variant) or 64 the frees overflow the cache, so each round drains most of the
 * K blocks back to their slab (half the cache at a time) and refills them again in batches:
 * about 1.6x the time per run. The cache must hold K plus a refill batch (up to 64 blocks a
 * miss leaves behind): with K = 200, maxBlocks 256 overflows too and only 1024 runs clean.
 * SIZE must stay at or below maxBytes / maxBlocks (262144 / 1024 = 256 B with the default
 * maxBytes), or maxBytes caps the cache instead. Do not run the `lean` variant with SIZE of
 * 1 KiB or more: each round then empties slabs that purge/eager hands back to the OS and
 * faults in again (hundreds of times slower).
 *
 * Prints nothing; exits 0 (1 on a bad argument, 2 on a corrupted block, 3 on an OOM). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

static long arg(int argc, char **argv, int i, long def, long lo, long hi) {
  if (argc <= i) return def;
  char *end;
  long v = strtol(argv[i], &end, 10);
  if (*end || v < lo || v > hi) {
    fprintf(stderr, "hot_loop: argument %d (%s) must be in %ld..%ld\n", i, argv[i], lo, hi);
    exit(1);
  }
  return v;
}

volatile uint64_t sink;

int main(int argc, char **argv) {
  long rounds = arg(argc, argv, 1, 200000, 1, 1L << 40);
  long k = arg(argc, argv, 2, 128, 1, 1 << 24);
  long size = arg(argc, argv, 3, 48, 8, 1 << 20);
  long lifo = arg(argc, argv, 4, 0, 0, 1);
  uint64_t **p = mmap(NULL, (size_t)k * sizeof *p, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 3;
  uint64_t sum = 0;
  for (long r = 0; r < rounds; r++) {
    for (long i = 0; i < k; i++) {
      p[i] = malloc((size_t)size);
      if (!p[i]) return 3;
      p[i][0] = (uint64_t)(r + i);
    }
    for (long j = 0; j < k; j++) {
      long i = lifo ? k - 1 - j : j;
      if (p[i][0] != (uint64_t)(r + i)) return 2;
      sum += p[i][0];
      free(p[i]);
    }
  }
  sink = sum;
  munmap(p, (size_t)k * sizeof *p);
  return 0;
}
