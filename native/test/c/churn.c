/* churn.c: thousands of short-lived threads; each allocates and frees across classes and
 * leaves blocks for a later thread to free. Thread exit must not leak: VmRSS stays bounded.
 * Usage: churn [threads=2000] [concurrent=4] [rss_limit_mib=200] */
#include "hk_test.h"

#include <pthread.h>

#define HANDOFF 64
typedef struct {
  unsigned char *p;
  size_t n;
  uint64_t seed;
} blk_t;

static pthread_mutex_t handoff_mu = PTHREAD_MUTEX_INITIALIZER;
static blk_t handoff[HANDOFF];
static size_t handoff_len;

static const size_t class_sizes[] = { 8,   16,   24,   32,   48,   64,   96,   128,  200,   256,   384,   512,
                                      768, 1024, 1500, 2048, 3000, 4096, 6000, 8192, 16384, 32768, 65536, 200000 };
#define NCS (sizeof class_sizes / sizeof class_sizes[0])

/* Only the head and the tail of each block carry a pattern: enough to catch overlap, cheap. */
#define EDGE 96
static void fill_edges(blk_t *b) {
  size_t h = b->n < EDGE ? b->n : EDGE;
  hk_fill(b->p, h, b->seed);
  hk_fill(b->p + b->n - h, h, b->seed ^ 0xFF);
}

static void check_free(blk_t *b) {
  size_t h = b->n < EDGE ? b->n : EDGE;
  if (b->n >= 2 * EDGE) CHECK_PATTERN(b->p, h, b->seed);
  CHECK_PATTERN(b->p + b->n - h, h, b->seed ^ 0xFF);
  free(b->p);
}

static void *churner(void *arg) {
  uint64_t rng = (uint64_t)(uintptr_t)arg * 0x9E3779B97F4A7C15ULL + 1;
  enum { LIVE = 300 };
  blk_t live[LIVE];
  /* Touch every class with several blocks, so each thread owns slabs in many classes. */
  for (int i = 0; i < LIVE; i++) {
    size_t n = class_sizes[(size_t)i % NCS] + hk_rand(&rng) % 8;
    live[i].n = n;
    live[i].seed = hk_rand(&rng);
    live[i].p = malloc(n);
    CHECK(live[i].p != NULL, "malloc(%zu)", n);
    fill_edges(&live[i]);
  }
  /* Free most of them in random order, replace some, then leave a few for the next thread. */
  for (int round = 0; round < 2; round++)
    for (int i = 0; i < LIVE; i++) {
      size_t j = hk_rand(&rng) % LIVE;
      check_free(&live[j]);
      live[j].n = class_sizes[hk_rand(&rng) % NCS];
      live[j].seed = hk_rand(&rng);
      live[j].p = malloc(live[j].n);
      CHECK(live[j].p != NULL, "malloc(%zu)", live[j].n);
      fill_edges(&live[j]);
    }
  pthread_mutex_lock(&handoff_mu);
  /* Free what earlier threads left behind (remote frees into slabs of exited threads). */
  for (size_t i = 0; i < handoff_len; i++) check_free(&handoff[i]);
  handoff_len = 0;
  for (int i = 0; i < LIVE; i++) {
    if (i % 10 == 0 && handoff_len < HANDOFF) handoff[handoff_len++] = live[i];
    else check_free(&live[i]);
  }
  pthread_mutex_unlock(&handoff_mu);
  hk_thread_checks_flush();
  return NULL;
}

int main(int argc, char **argv) {
  hk_require_hakmem();
  long nthreads = hk_arg_long(argc, argv, 1, 2000);
  long conc = hk_arg_long(argc, argv, 2, 4);
  long limit_mib = hk_arg_long(argc, argv, 3, 200);
  CHECK(conc >= 1 && conc <= 64, "bad concurrency %ld", conc);
  pthread_t t[64];
  long rss_early = -1;
  for (long done = 0; done < nthreads; done += conc) {
    long k = nthreads - done < conc ? nthreads - done : conc;
    for (long i = 0; i < k; i++)
      CHECK(pthread_create(&t[i], NULL, churner, (void *)(uintptr_t)(done + i)) == 0, "pthread_create #%ld", done + i);
    for (long i = 0; i < k; i++) CHECK(pthread_join(t[i], NULL) == 0, "pthread_join");
    if (rss_early < 0 && done >= 100) rss_early = hk_proc_status_kib("VmRSS");
  }
  for (size_t i = 0; i < handoff_len; i++) check_free(&handoff[i]);
  handoff_len = 0;
  long rss = hk_proc_status_kib("VmRSS"), hwm = hk_proc_status_kib("VmHWM");
  printf("threads=%ld concurrent=%ld rss_after_100=%ld KiB rss_end=%ld KiB hwm=%ld KiB\n", nthreads, conc, rss_early,
         rss, hwm);
  CHECK(rss > 0, "cannot read VmRSS");
  CHECK(rss < limit_mib * 1024, "VmRSS %ld KiB after %ld short-lived threads exceeds %ld MiB: thread exit leaks memory",
        rss, nthreads, limit_mib);
  hk_done();
}
