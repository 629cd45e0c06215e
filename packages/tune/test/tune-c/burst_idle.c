/* burst_idle.c — a burst of small blocks, an idle pause, then memory from outside the allocator.
 *
 *   burst_idle [BURST_MIB [IDLE_MS [MMAP_MIB [TICK_MS [TICK_KIB]]]]]
 *     BURST_MIB  MiB of small blocks (16..512 B) allocated, written, then all freed (default 32)
 *     IDLE_MS    length of the idle pause after the burst (default 150)
 *     MMAP_MIB   MiB the program then maps and touches itself with mmap (default 32)
 *     TICK_MS    during the pause, the allocator is used once every TICK_MS (default 1)
 *     TICK_KIB   each use: four small blocks, and eight times a block of TICK_KIB KiB, all
 *                freed at once (default 512: above the slab range, so each of its frees is an
 *                allocator slow path; 0: the small blocks only)
 *
 * Phases: (1) malloc BURST_MIB of blocks of random sizes, writing a word in each, so their
 * pages are resident; (2) free them all; (3) idle for IDLE_MS with light allocator activity;
 * (4) mmap MMAP_MIB, write every page, munmap; exit. The block pointers live in mmap'd
 * memory, so the allocator holds nothing but the blocks.
 *
 * Which choice should win (goal: memory, peak RSS): one that gives the freed burst back to
 * the OS before phase 4, so that peak RSS is about max(BURST, MMAP) instead of BURST + MMAP.
 *  - purge/eager gives each slab back as it empties, in phase 2;
 *  - purge/decay with HAKMEM_PURGE_DELAY_MS 0 does so in phase 2 too; with a delay well
 *    below IDLE_MS (50) during the pause. decay runs its passes on the allocator's slow paths
 *    (it reads the clock on one slow path in eight): thread-cache hits never run one, so with
 *    TICK_KIB 0 decay keeps the burst whatever its delay; the TICK_KIB block's free is the
 *    slow path here. Under heavy CPU load a pause of few ticks can end before the pass is
 *    done, so delay 50 sometimes gives back only part of the burst;
 *  - purge/background with a short delay does it on its own thread;
 *  - purge/retain, and decay with a delay above IDLE_MS (the default 500, or 5000), keep the
 *    burst resident.
 * With the defaults, peak RSS is about 68 MiB for the keeping choices and 37 MiB for the
 * purging ones. Giving memory back costs time where page faults and madvise are slow (a VM):
 * eager and decay 0 purge in phase 2 and take about 1.1x the wall time; decay 50 purges
 * during the pause and costs almost nothing. Most of a run is page faults and the pause.
 *
 * Prints nothing; exits 0 (1 on a bad argument, 3 on an OOM). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static long arg(int argc, char **argv, int i, long def, long lo, long hi) {
  if (argc <= i) return def;
  char *end;
  long v = strtol(argv[i], &end, 10);
  if (*end || v < lo || v > hi) {
    fprintf(stderr, "burst_idle: argument %d (%s) must be in %ld..%ld\n", i, argv[i], lo, hi);
    exit(1);
  }
  return v;
}

volatile uint64_t sink;

int main(int argc, char **argv) {
  long burst_mib = arg(argc, argv, 1, 32, 0, 1 << 16);
  long idle_ms = arg(argc, argv, 2, 150, 0, 3600000);
  long mmap_mib = arg(argc, argv, 3, 32, 0, 1 << 16);
  long tick_ms = arg(argc, argv, 4, 1, 1, 1000);
  long tick_kib = arg(argc, argv, 5, 512, 0, 1 << 20);

  /* (1) the burst: sizes 16..512 B, average 264 B */
  size_t want = (size_t)burst_mib << 20;
  size_t cap = want / 16 + 1;
  void **ptr = mmap(NULL, cap * sizeof(void *), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ptr == MAP_FAILED) return 3;
  uint64_t x = 0x2545f4914f6cdd1dull;
  size_t n = 0, got = 0;
  while (got < want && n < cap) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    size_t size = 16 + (size_t)(x % 497);
    uint64_t *p = malloc(size);
    if (!p) return 3;
    p[0] = size;
    ptr[n++] = p;
    got += size;
  }
  /* (2) all freed */
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i++) {
    sum += *(uint64_t *)ptr[i];
    free(ptr[i]);
  }
  munmap(ptr, cap * sizeof(void *));

  /* (3) the pause, with a little allocator activity every tick_ms */
  double end = now_ms() + (double)idle_ms;
  struct timespec tick = { tick_ms / 1000, (tick_ms % 1000) * 1000000L };
  while (now_ms() < end) {
    void *small[4];
    for (int i = 0; i < 4; i++) {
      small[i] = malloc(32 + 32 * (size_t)i);
      if (!small[i]) return 3;
      memset(small[i], i, 32);
    }
    for (int i = 0; tick_kib && i < 8; i++) {
      char *big = malloc((size_t)tick_kib << 10);
      if (!big) return 3;
      big[0] = 1;
      sum += (uint64_t)big[0];
      free(big);
    }
    for (int i = 0; i < 4; i++) free(small[i]);
    nanosleep(&tick, NULL);
  }

  /* (4) memory from outside the allocator */
  size_t mbytes = (size_t)mmap_mib << 20;
  if (mbytes) {
    char *m = mmap(NULL, mbytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return 3;
    long page = sysconf(_SC_PAGESIZE);
    for (size_t off = 0; off < mbytes; off += (size_t)page) m[off] = (char)off;
    sum += (uint64_t)m[mbytes - (size_t)page];
    munmap(m, mbytes);
  }
  sink = sum;
  return 0;
}
