/* remote_count: atomic operations per cross-thread free, and what a thread holds.
 *
 *   remote_count <blocks> <size>
 *
 * A producer thread allocates <blocks> blocks of <size> bytes, writes a pattern into each and
 * exits; main checks the pattern and frees them all (every free is a cross-thread free into
 * the exited producer's heap). Then it prints
 *   frees=<n> atomics=<CAS attempts> held=<blocks main still holds> after_trim=<held after malloc_trim>
 * from the stats box (counters or profile, counted between the first and the last free) and
 * the remote slot's probes; with the stats box off, frees and atomics are -1. A block must
 * never be lost: after malloc_trim the chunks the producer filled must be gone again.
 * Preload hakmem. */
#include "hk_test.h"
#include <malloc.h>
#include <pthread.h>
#include <hakmem.h>

static size_t n_blocks, block_size;
static unsigned char **blocks;

static void *producer(void *arg) {
  (void)arg;
  for (size_t i = 0; i < n_blocks; i++) {
    blocks[i] = malloc(block_size);
    CHECK(blocks[i] != NULL, "malloc(%zu) failed", block_size);
    memset(blocks[i], (int)(i & 0xff), block_size);
  }
  hk_thread_checks_flush();
  return NULL;
}

typedef void (*stats_fn)(hakmem_stats_t *);

int main(int argc, char **argv) {
  hk_require_hakmem();
  n_blocks = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
  block_size = argc > 2 ? strtoul(argv[2], NULL, 10) : 64;
  blocks = calloc(n_blocks, sizeof *blocks);
  CHECK(blocks != NULL, "calloc");

  int64_t chunks0 = 0, chunks1 = 0;
  CHECK(hk_probe("superslab", "chunks", 0, &chunks0), "probe superslab/chunks missing");
  pthread_t t;
  CHECK(pthread_create(&t, NULL, producer, NULL) == 0, "pthread_create");
  CHECK(pthread_join(t, NULL) == 0, "pthread_join");

  stats_fn stats = (stats_fn)dlsym(RTLD_DEFAULT, "hakmem_stats");
  static hakmem_stats_t before, after;
  if (stats) stats(&before);
  for (size_t i = 0; i < n_blocks; i++) {
    CHECK(blocks[i][0] == (unsigned char)(i & 0xff) && blocks[i][block_size - 1] == (unsigned char)(i & 0xff),
          "block %zu lost its contents", i);
    free(blocks[i]);
  }
  if (stats) stats(&after);
  int64_t held = -1, after_trim = -1;
  CHECK(hk_probe("remote", "held", 0, &held), "probe remote/held missing");
  malloc_trim(0);
  CHECK(hk_probe("remote", "held", 0, &after_trim), "probe remote/held missing");
  CHECK(after_trim == 0, "malloc_trim left %lld blocks held", (long long)after_trim);

  /* Every block went home: the producer's heap (an orphan now) took them back in the trim, its
   * slabs emptied, and the chunks they filled went back to the OS. A block still held anywhere
   * would keep its slab, and its chunk, mapped. */
  CHECK(hk_probe("superslab", "chunks", 0, &chunks1), "probe superslab/chunks missing");
  CHECK(chunks1 <= chunks0 + 1, "%lld chunks mapped after the trim, %lld before the producer: blocks were lost",
        (long long)chunks1, (long long)chunks0);

  long long frees = -1, atomics = -1;
  if (stats && after.enabled) {
    frees = (long long)(after.count[HAKMEM_EV_FREE_REMOTE] - before.count[HAKMEM_EV_FREE_REMOTE]);
    atomics = (long long)(after.count[HAKMEM_EV_REMOTE_ATOMICS] - before.count[HAKMEM_EV_REMOTE_ATOMICS]);
  }
  printf("frees=%lld atomics=%lld held=%lld after_trim=%lld\n", frees, atomics, (long long)held, (long long)after_trim);
  hk_done();
}
