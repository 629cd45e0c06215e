/* idle_return.c — does an idle process give its memory back without calling anything special?
 *
 *   idle_return burst [mib=256] [idle_ms=1500] [settle_ms=0] [goal_kib=0]   two threads allocate mib MiB
 *       between them (blocks of 64 B to 4 KiB, and one in 64 of 256 KiB, each written) and
 *       exit; the main thread frees them all (into the exited threads' heaps), then idles: a
 *       malloc(64) and its free every 100 ms, hits of the thread cache. Prints the RSS at the
 *       start, at the peak, after the free and after idle_ms (with a goal, once VmRSS is within
 *       goal_kib, up to 10 s later: a loaded machine purges late); under hakmem the purge thread's
 *       wake-ups then, and again once a window of settle_ms more of the same idling had none
 *       (up to 8 windows).
 *   idle_return quiet [idle_ms=1500]   a process that never bursts: a few small blocks, then
 *       the same idling. Prints the threads it has (/proc/self/task) and, under hakmem, the
 *       purge box's thread state and wake-ups.
 *
 * Works under any allocator (the probes print only where hakmem_probe exists), so the same
 * run compares hakmem's idle RSS with glibc's, mimalloc's, jemalloc's and tcmalloc's. */
#include "hk_test.h"

#include <dirent.h>
#include <pthread.h>
#include <time.h>

enum { LARGE = 256 * 1024 };

typedef struct {
  size_t bytes;
  uint64_t seed;
  void **blocks;
  size_t n;
} burst_t;

static void *burst(void *arg) {
  burst_t *b = (burst_t *)arg;
  size_t cap = b->bytes / 64 + 16, got = 0;
  b->blocks = (void **)malloc(cap * sizeof(void *));
  CHECK(b->blocks != NULL, "malloc(%zu) for the block list", cap * sizeof(void *));
  while (got < b->bytes && b->n < cap) {
    uint64_t r = hk_rand(&b->seed);
    size_t size = r % 64 == 0 ? LARGE : 64 + (size_t)(r >> 8) % 4033;
    void *p = malloc(size);
    CHECK(p != NULL, "malloc(%zu)", size);
    memset(p, (int)(r & 0xff), size);
    b->blocks[b->n++] = p;
    got += size;
  }
  return NULL;
}

static void nap_ms(long ms) {
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep(&ts, NULL);
}

/* A malloc and a free every 100 ms for idle_ms: all front-cache hits after the first. */
static void idle(long idle_ms) {
  for (long t = 0; t < idle_ms; t += 100) {
    void *volatile p = malloc(64);
    CHECK(p != NULL, "malloc(64) while idle");
    memset(p, 1, 64);
    free(p);
    nap_ms(100);
  }
}

static int tasks(void) {
  DIR *d = opendir("/proc/self/task");
  int n = 0;
  if (!d) return -1;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

static void print_purge(const char *when) {
  int64_t thread = -1, wakeups = -1;
  if (hk_probe("purge", "thread", 0, &thread)) {
    hk_probe("purge", "wakeups", 0, &wakeups);
    printf("%s: purge thread=%lld wakeups=%lld\n", when, (long long)thread, (long long)wakeups);
  }
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "burst";
  if (!strcmp(mode, "quiet")) {
    long idle_ms = hk_arg_long(argc, argv, 2, 1500);
    void *keep[16];
    for (int i = 0; i < 16; i++) CHECK((keep[i] = malloc(100 + 100 * (size_t)i)) != NULL, "malloc");
    for (int i = 0; i < 16; i += 2) free(keep[i]);
    print_purge("start");
    idle(idle_ms);
    printf("quiet: tasks=%d\n", tasks());
    print_purge("end");
    for (int i = 1; i < 16; i += 2) free(keep[i]);
    printf("ok 1 checks\n");
    return 0;
  }
  CHECK(!strcmp(mode, "burst"), "mode: burst or quiet, not %s", mode);
  long mib = hk_arg_long(argc, argv, 2, 256), idle_ms = hk_arg_long(argc, argv, 3, 1500);
  long settle_ms = hk_arg_long(argc, argv, 4, 0), goal_kib = hk_arg_long(argc, argv, 5, 0);
  long base = hk_proc_status_kib("VmRSS");
  burst_t b[2] = { { (size_t)mib << 19, 1, NULL, 0 }, { (size_t)mib << 19, 2, NULL, 0 } };
  pthread_t t[2];
  for (int i = 0; i < 2; i++) CHECK(pthread_create(&t[i], NULL, burst, &b[i]) == 0, "pthread_create");
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  long peak = hk_proc_status_kib("VmRSS");
  for (int i = 0; i < 2; i++) { /* the main thread frees both threads' blocks: cross-thread too */
    for (size_t k = 0; k < b[i].n; k++) free(b[i].blocks[k]);
    free(b[i].blocks);
  }
  long freed = hk_proc_status_kib("VmRSS");
  idle(idle_ms);
  long after = hk_proc_status_kib("VmRSS"), late_ms = 0;
  /* a loaded machine runs the purge late: with a goal, idle on until VmRSS is within it (up to
   * 10 s more, in 250 ms steps) and say how late that was */
  for (; goal_kib > 0 && after > goal_kib && late_ms < 10000; late_ms += 250) {
    idle(250);
    after = hk_proc_status_kib("VmRSS");
  }
  printf("burst: base=%ld peak=%ld freed=%ld after=%ld KiB (%ld ms idle, %ld ms late)\n", base, peak, freed, after,
         idle_ms, late_ms);
  print_purge("end");
  int64_t w0, w1;
  if (settle_ms > 0 && hk_probe("purge", "wakeups", 0, &w0)) {
    /* nothing more waits to go back: the purge thread must come to sleep, i.e. a whole window
     * of settle_ms passes without a wake-up. On a loaded machine its last passes run late, a
     * window or two after `end`: up to 8 windows. A thread that keeps waking (every delay/4)
     * has no quiet window at all. */
    int window = 1;
    for (;; window++, w0 = w1) {
      idle(settle_ms);
      hk_probe("purge", "wakeups", 0, &w1);
      if (w1 == w0 || window == 8) break;
    }
    print_purge("settled");
    printf("settled: rss=%ld KiB\n", hk_proc_status_kib("VmRSS"));
    if (w1 == w0) printf("settle: a quiet window of %ld ms, window %d\n", settle_ms, window);
    else printf("settle: no quiet window of %ld ms in 8\n", settle_ms);
  }
  printf("ok 1 checks\n");
  return 0;
}
