/* thread_reuse.c — memory freed by threads that have exited is reused. Each round:
 *  - a thread allocates a working set and exits with all of it live; the main thread frees
 *    it (remote frees into the exited thread's orphaned heap);
 *  - a thread allocates a working set, frees it itself and exits (its cache flushed on exit);
 *  - a thread allocates, hands half to a second live thread that frees it, and both exit.
 * The working set is the same every round, so after the first rounds hakmem must serve it
 * from memory it already has: the chunks it holds (mapped, less those given back whole) stop
 * growing, and VmRSS stays bounded. Prints the figures per round.
 * Usage: thread_reuse [rounds=30] [set_mib=24] */
#include "hk_test.h"

#include <pthread.h>

#include "../../include/hakmem.h"

typedef void (*os_stats_fn)(hakmem_os_stats_t *);
typedef int (*probe_fn)(const char *, const char *, int64_t, int64_t *);
static os_stats_fn os_stats;
static probe_fn probe;

static size_t set_bytes;
typedef struct {
  unsigned char *p;
  size_t n;
  uint64_t seed;
} blk_t;
static blk_t *set;
static size_t set_len;

static size_t pick(uint64_t *r) {
  uint64_t x = hk_rand(r);
  if ((x & 7) == 0) return 8193 + x % 60000; /* whole-chunk classes */
  return 16 + x % 2048;
}

static void alloc_set(uint64_t seed) {
  uint64_t r = seed;
  size_t total = 0;
  set_len = 0;
  while (total < set_bytes) {
    size_t n = pick(&r);
    blk_t *b = &set[set_len++];
    b->p = malloc(n);
    CHECK(b->p != NULL, "malloc(%zu)", n);
    b->n = n;
    b->seed = hk_rand(&r);
    hk_fill(b->p, n < 256 ? n : 256, b->seed);
    memset(b->p + (n < 256 ? n : 256), 0x5c, n - (n < 256 ? n : 256)); /* touch every page */
    total += n;
  }
}

static void free_set(size_t from, size_t step) {
  for (size_t i = from; i < set_len; i += step) {
    CHECK_PATTERN(set[i].p, set[i].n < 256 ? set[i].n : 256, set[i].seed);
    free(set[i].p);
    set[i].p = NULL;
  }
}

static void *leave_live(void *arg) {
  alloc_set((uint64_t)(uintptr_t)arg);
  hk_thread_checks_flush();
  return NULL;
}
static void *alloc_free(void *arg) {
  alloc_set((uint64_t)(uintptr_t)arg);
  free_set(0, 1);
  hk_thread_checks_flush();
  return NULL;
}

static pthread_barrier_t bar;
static void *half_freer(void *arg) {
  (void)arg;
  pthread_barrier_wait(&bar); /* the set is allocated */
  free_set(1, 2);
  hk_thread_checks_flush();
  return NULL;
}
static void *half_owner(void *arg) {
  alloc_set((uint64_t)(uintptr_t)arg);
  pthread_barrier_wait(&bar);
  free_set(0, 2);
  hk_thread_checks_flush();
  return NULL;
}

static void run_thread(void *(*fn)(void *), uint64_t seed) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, fn, (void *)(uintptr_t)seed) == 0, "pthread_create");
  CHECK(pthread_join(t, NULL) == 0, "pthread_join");
}

int main(int argc, char **argv) {
  hk_require_hakmem();
  int rounds = (int)hk_arg_long(argc, argv, 1, 30);
  set_bytes = (size_t)hk_arg_long(argc, argv, 2, 24) << 20;
  os_stats = (os_stats_fn)dlsym(RTLD_DEFAULT, "hakmem_os_stats");
  CHECK(os_stats != NULL, "hakmem_os_stats not found");
  probe = (probe_fn)dlsym(RTLD_DEFAULT, "hakmem_probe");
  CHECK(probe != NULL, "hakmem_probe not found");
  set = malloc((set_bytes / 16 + 16) * sizeof *set);
  CHECK(set != NULL, "malloc(set)");
  long rss_start = hk_proc_status_kib("VmRSS");
  uint64_t chunks_after[512] = { 0 };
  long rss_after[512] = { 0 };
  if (rounds > 512) rounds = 512;
  for (int r = 0; r < rounds; r++) {
    run_thread(leave_live, (uint64_t)r * 3 + 1);
    free_set(0, 1); /* remote frees into an exited thread's heap */
    run_thread(alloc_free, (uint64_t)r * 3 + 2);
    pthread_barrier_init(&bar, NULL, 2);
    pthread_t a, b;
    CHECK(pthread_create(&a, NULL, half_owner, (void *)(uintptr_t)(r * 3 + 3)) == 0, "pthread_create");
    CHECK(pthread_create(&b, NULL, half_freer, NULL) == 0, "pthread_create");
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_barrier_destroy(&bar);
    hakmem_os_stats_t st;
    os_stats(&st);
    int64_t unmapped = 0;
    CHECK(probe("superslab", "unmapped", 0, &unmapped) == 0, "probe superslab unmapped");
    chunks_after[r] = st.chunks - (uint64_t)unmapped;
    rss_after[r] = hk_proc_status_kib("VmRSS");
    printf("round %d: chunks=%llu (held) large_maps=%llu mapped=%lld KiB rss=%ld KiB\n", r,
           (unsigned long long)chunks_after[r], (unsigned long long)st.large_maps, (long long)(st.bytes_mapped >> 10),
           rss_after[r]);
  }
  /* Three sets' worth of threads each round: without reuse the chunk count grows by about
   * 3 x set / 2 MiB every round. With reuse it levels off after the first rounds. */
  int settle = rounds > 4 ? 3 : rounds - 1;
  uint64_t base = chunks_after[settle], last = chunks_after[rounds - 1];
  uint64_t per_round_without_reuse = (3 * set_bytes) >> 21;
  printf("chunks after round %d: %llu, after round %d: %llu (without reuse: +%llu per round)\n", settle,
         (unsigned long long)base, rounds - 1, (unsigned long long)last, (unsigned long long)per_round_without_reuse);
  CHECK(last <= base + base / 4 + 4,
        "chunks grew from %llu (round %d) to %llu (round %d): memory freed by exited threads is not reused",
        (unsigned long long)base, settle, (unsigned long long)last, rounds - 1);
  /* VmRSS after a round varies (a peer's remote frees can sit in an exited owner's queue until
   * its heap is adopted), but it never accumulates: at most two sets above the start. */
  long rss_max = 0;
  int at = 0;
  for (int r = 0; r < rounds; r++)
    if (rss_after[r] > rss_max) {
      rss_max = rss_after[r];
      at = r;
    }
  long bound = rss_start + 2 * (long)(set_bytes >> 10) + 16 * 1024;
  printf("rss: start=%ld KiB max=%ld KiB (round %d) bound=%ld KiB\n", rss_start, rss_max, at, bound);
  CHECK(rss_max <= bound, "VmRSS reached %ld KiB (round %d), above %ld KiB: memory of exited threads accumulates",
        rss_max, at, bound);
  free(set);
  hk_done();
}
