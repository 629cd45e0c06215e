/* burst_idle: a burst of small blocks freed across two threads, then a quiet tail.
 *
 *   burst_idle <burst-mib> <idle-seconds> <seed> [blocks]
 *
 * Two threads allocate blocks of a random size in [16, 1024] bytes, writing all
 * of each, until together they hold <burst-mib> MiB (requested bytes) or, when
 * [blocks] > 0, exactly that many blocks (the fixed-op-count form). After a
 * barrier each thread frees the even-indexed blocks of its own array and the
 * odd-indexed ones of the other thread's, so every block is freed, half of them
 * by the thread that did not allocate them, and both threads exit. The main
 * thread then stays lightly busy for <idle-seconds>: every 10 ms it allocates
 * and frees 64 small blocks of varied sizes and one 300 KiB block.
 *
 * From just before the burst to the end the main thread samples its resident
 * set size (/proc/self/statm) every 10 ms; at the very end it calls
 * malloc_trim(0) and samples once more. So the line says how much of the burst
 * an allocator hands back to the OS, and how soon, while the process lives on.
 * One op = one block of the burst (allocated and freed); seconds covers the
 * burst only, not the idle tail. Extra fields: rssStartKb, rssPeakKb, rssEndKb,
 * rssAfterTrimKb, sampleMs and rssTimelineKb (every sample, KiB). */
#include "bench.h"
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *PROG = "burst_idle";

#define MIN_SIZE    16u
#define MAX_SIZE    1024u /* inclusive */
#define SAMPLE_MS   10
#define TICK        (SAMPLE_MS / 1000.0)
#define IDLE_SMALL  64
#define IDLE_BIG    (300u * 1024u)
#define MAX_SAMPLES 65536 /* 10 min of samples; later ones are dropped */

typedef struct {
  _Alignas(64) void **blocks; /* mmap'ed, so the allocator under test never holds the bookkeeping */
  size_t n, cap;
  uint64_t quota; /* blocks to allocate; 0: until target bytes */
  uint64_t target_bytes;
  uint64_t bytes;
  double done_at; /* when this thread finished its frees */
  int id;
  bench_rng rng;
} worker;

static worker workers[2];
static pthread_barrier_t start_barrier, swap_barrier;
static atomic_int finished;

/* The sampler must not allocate: one descriptor opened up front, a static buffer, read(). */
static int statm_fd = -1;
static long page_kb;
static uint32_t timeline[MAX_SAMPLES];
static size_t nsamples;

static long rss_kb(void) {
  static char buf[128];
  if (lseek(statm_fd, 0, SEEK_SET) < 0) bench_die(PROG, "lseek /proc/self/statm failed");
  ssize_t n = read(statm_fd, buf, sizeof buf - 1);
  if (n <= 0) bench_die(PROG, "read /proc/self/statm failed");
  buf[n] = '\0';
  /* "size resident shared ...": skip the first field, parse the second */
  const char *c = buf;
  while (*c && *c != ' ') c++;
  while (*c == ' ') c++;
  long pages = 0;
  for (; *c >= '0' && *c <= '9'; c++) pages = pages * 10 + (*c - '0');
  return pages * page_kb;
}

/* Record the RSS for every 10 ms tick passed since the last sample: a late
 * wake-up repeats the reading, so sample i is always at i * 10 ms. */
static void sample(double t0) {
  long tick = (long)((bench_now() - t0) / TICK + 0.5);
  long kb = rss_kb();
  while ((long)nsamples <= tick && nsamples < MAX_SAMPLES) timeline[nsamples++] = (uint32_t)kb;
}

static void sleep_until(double t) {
  struct timespec ts = { (time_t)t, (long)((t - (double)(time_t)t) * 1e9) };
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {}
}

static void *burst(void *arg) {
  worker *w = (worker *)arg, *other = &workers[1 - w->id];
  pthread_barrier_wait(&start_barrier);
  while (w->quota ? w->n < w->quota : w->bytes < w->target_bytes) {
    size_t sz = MIN_SIZE + (size_t)bench_rng_below(&w->rng, MAX_SIZE - MIN_SIZE + 1);
    void *p = malloc(sz);
    if (!p) bench_oom(PROG, sz);
    memset(p, (int)(w->n & 0x7f) | 1, sz);
    bench_escape(p);
    if (w->n == w->cap) bench_die(PROG, "block array full");
    w->blocks[w->n++] = p;
    w->bytes += sz;
  }
  /* the barrier also publishes the other thread's array and count */
  pthread_barrier_wait(&swap_barrier);
  for (size_t i = 0; i < w->n; i += 2) free(w->blocks[i]);
  for (size_t i = 1; i < other->n; i += 2) free(other->blocks[i]);
  w->done_at = bench_now();
  atomic_fetch_add(&finished, 1);
  return NULL;
}

/* One idle tick: a little steady work, as a process between bursts would do. */
static void idle_work(bench_rng *rng) {
  void *small[IDLE_SMALL];
  for (int i = 0; i < IDLE_SMALL; i++) {
    size_t sz = MIN_SIZE + (size_t)bench_rng_below(rng, MAX_SIZE - MIN_SIZE + 1);
    small[i] = malloc(sz);
    if (!small[i]) bench_oom(PROG, sz);
    memset(small[i], i | 1, sz);
    bench_escape(small[i]);
  }
  void *big = malloc(IDLE_BIG);
  if (!big) bench_oom(PROG, IDLE_BIG);
  memset(big, 7, IDLE_BIG);
  bench_escape(big);
  free(big);
  for (int i = IDLE_SMALL; i-- > 0;) free(small[i]);
}

static void *map_array(size_t cap) {
  void *p =
      mmap(NULL, cap * sizeof(void *), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) bench_oom(PROG, cap * sizeof(void *));
  return p;
}

int main(int argc, char **argv) {
  if (argc < 4 || argc > 5) {
    fprintf(stderr, "usage: %s <burst-mib> <idle-seconds> <seed> [blocks]\n", PROG);
    return 2;
  }
  uint64_t mib = bench_arg_u64(PROG, "burst-mib", argv[1]);
  double idle = bench_arg_double(PROG, "idle-seconds", argv[2]);
  uint64_t seed = bench_arg_u64(PROG, "seed", argv[3]);
  uint64_t blocks = argc > 4 ? bench_arg_u64(PROG, "blocks", argv[4]) : 0;
  if (mib < 1 && blocks == 0) bench_die(PROG, "burst-mib must be >= 1");

  statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (statm_fd < 0) bench_die(PROG, "cannot open /proc/self/statm");
  page_kb = sysconf(_SC_PAGESIZE) / 1024;

  for (int t = 0; t < 2; t++) {
    worker *w = &workers[t];
    w->id = t;
    if (blocks) {
      w->quota = blocks / 2 + (t == 0 ? blocks % 2 : 0);
      w->cap = w->quota;
    } else {
      w->target_bytes = mib * 1024 * 1024 / 2;
      w->cap = w->target_bytes / MIN_SIZE + 1; /* every block is at least MIN_SIZE */
    }
    w->blocks = map_array(w->cap ? w->cap : 1);
    bench_rng_seed(&w->rng, seed * 1000003ull + (uint64_t)t);
  }
  pthread_barrier_init(&start_barrier, NULL, 3);
  pthread_barrier_init(&swap_barrier, NULL, 2);
  pthread_t ts[2];
  for (int t = 0; t < 2; t++) {
    if (pthread_create(&ts[t], NULL, burst, &workers[t]) != 0) bench_die(PROG, "pthread_create failed");
  }

  double t0 = bench_now();
  sample(t0); /* before the burst */
  pthread_barrier_wait(&start_barrier);
  double b0 = bench_now();
  while (atomic_load(&finished) < 2) {
    sleep_until(t0 + (double)nsamples * TICK);
    sample(t0);
  }
  for (int t = 0; t < 2; t++) pthread_join(ts[t], NULL);
  double burst_end = workers[0].done_at > workers[1].done_at ? workers[0].done_at : workers[1].done_at;
  uint64_t ops = workers[0].n + workers[1].n, bytes = workers[0].bytes + workers[1].bytes;
  for (int t = 0; t < 2; t++) munmap(workers[t].blocks, (workers[t].cap ? workers[t].cap : 1) * sizeof(void *));

  bench_rng rng;
  bench_rng_seed(&rng, seed ^ 0x1d1eull);
  double idle_end = bench_now() + idle;
  uint64_t ticks = 0;
  for (;;) {
    double next = t0 + (double)nsamples * TICK;
    if (next > idle_end) break;
    sleep_until(next);
    idle_work(&rng);
    ticks++;
    sample(t0);
  }

  long start_kb = timeline[0], end_kb = timeline[nsamples - 1], peak_kb = 0;
  for (size_t i = 0; i < nsamples; i++) peak_kb = timeline[i] > peak_kb ? timeline[i] : peak_kb;
  malloc_trim(0);
  long trim_kb = rss_kb();

  /* the measurement is over: the line may allocate */
  size_t cap = 512 + nsamples * 12;
  char *extra = malloc(cap);
  if (!extra) bench_oom(PROG, cap);
  int len = snprintf(extra, cap,
                     ",\"threads\":2,\"burstMib\":%llu,\"burstBytes\":%llu,\"idleSeconds\":%g,\"idleTicks\":%llu,"
                     "\"minSize\":%u,\"maxSize\":%u,\"rssStartKb\":%ld,\"rssPeakKb\":%ld,\"rssEndKb\":%ld,"
                     "\"rssAfterTrimKb\":%ld,\"sampleMs\":%d,\"rssTimelineKb\":[",
                     (unsigned long long)mib, (unsigned long long)bytes, idle, (unsigned long long)ticks, MIN_SIZE,
                     MAX_SIZE, start_kb, peak_kb, end_kb, trim_kb, SAMPLE_MS);
  for (size_t i = 0; i < nsamples; i++) {
    len += snprintf(extra + len, cap - (size_t)len, "%s%u", i ? "," : "", timeline[i]);
  }
  snprintf(extra + len, cap - (size_t)len, "]");
  bench_report(PROG, ops, burst_end - b0, extra);
  free(extra);
  close(statm_fd);
  return 0;
}
