/* rss_return.c — memory goes back to the OS. A program builds a large working set (small,
 * whole-chunk and large blocks, every page touched), frees it in random order, and its VmRSS
 * must fall to within what the variant's purge policy may keep resident:
 *
 *   retained   keep_slabs x 64 KiB of resting slabs kept resident (purge/eager keepSlabs; after
 *              the delay of purge/decay, nothing; purge/retain: everything, until trim)
 *   cache      large.cacheBytes of freed large mappings kept for reuse
 *   fronts     the front caches of live threads: sum over classes of capacity x class size
 *              (capacity from hakmem_probe("front", "capacity"), i.e. front.maxBlocks/maxBytes)
 *   current    the slab each live heap keeps carving per class it used (one 64 KiB slab per
 *              small class, one 2 MiB chunk per whole-chunk class)
 *   headers    one 4 KiB header page per chunk mapped
 *
 * Modes: `thread` — the working set lives in a thread that exits before the measurement (its
 * cache is flushed, its heap trimmed: fronts and current do not apply); `main` — the main
 * thread builds and frees it and stays alive (its front caches and current slabs count).
 * The working set is a third small blocks, a third whole-chunk blocks, a third large blocks, and
 * at least 128 MiB bigger than what the policy may keep (so keeping it all would fail).
 *
 * delay_ms says when the bound applies: 0 (eager) at once; > 0 (decay) after 1.5 x the delay
 * + 0.5 s of light activity (small blocks and one 300 KiB block every 10 ms), with retained and
 * cache then 0 (on a loaded machine, whose passes run late, up to 10 s later: the program
 * prints how late); -1 (retain) not at all. Then, in every case, malloc_trim(0) must give back
 * everything that still rests: VmRSS within baseline + headers + slack (+ the fronts and
 * current slabs of no thread: trim flushed the caller's).
 * With `idle` the program sleeps through that time instead, calling nothing (purge/background).
 * within_kib, when given, is a tighter target the caller checks itself (VmRSS within that of the
 * baseline): the late steps go on until it holds too, so the figure printed is not taken while a
 * purge thread is still part way through.
 * Usage: rss_return <thread|main> <keep_slabs> <cache_bytes> <delay_ms> [set_mib=192] [light|idle]
 *        [within_kib] */
#include "hk_test.h"

#include <malloc.h>
#include <pthread.h>
#include <time.h>

#include "../../include/hakmem.h"

typedef struct {
  unsigned char *p;
  size_t n;
} blk_t;
static blk_t *set;
static size_t set_len, set_cap, set_bytes, target;

static void build_set(void) {
  uint64_t r = 12345;
  set_len = set_bytes = 0;
  size_t by_kind[3] = { 0, 0, 0 }; /* small, whole-chunk, large: a third of the bytes each */
  while (set_bytes < target && set_len < set_cap) {
    uint64_t x = hk_rand(&r);
    int kind = by_kind[0] <= by_kind[1] && by_kind[0] <= by_kind[2] ? 0 : by_kind[1] <= by_kind[2] ? 1 : 2;
    size_t n = kind == 0   ? 16 + (x >> 4) % 8177              /* small classes (64 KiB slabs) */
               : kind == 1 ? 8193 + (x >> 4) % (262144 - 8192) /* whole-chunk classes */
                           : 262145 + (x >> 4) % (4u << 20);   /* large blocks */
    unsigned char *p = malloc(n);
    CHECK(p != NULL, "malloc(%zu)", n);
    memset(p, (int)(n & 0xff), n); /* every page resident */
    set[set_len].p = p;
    set[set_len].n = n;
    set_len++;
    set_bytes += n;
    by_kind[kind] += n;
  }
  /* free in random order */
  for (size_t i = set_len - 1; i > 0; i--) {
    size_t j = hk_rand(&r) % (i + 1);
    blk_t t = set[i];
    set[i] = set[j];
    set[j] = t;
  }
}

static long peak_kib;
static void free_set(void) {
  peak_kib = hk_proc_status_kib("VmRSS");
  for (size_t i = 0; i < set_len; i++) {
    CHECK(set[i].p[set[i].n - 1] == (unsigned char)(set[i].n & 0xff), "block corrupted");
    free(set[i].p);
  }
}

static void *in_thread(void *arg) {
  (void)arg;
  build_set();
  free_set();
  hk_thread_checks_flush();
  return NULL;
}

typedef int (*probe_fn)(const char *, const char *, int64_t, int64_t *);

/* A program that carries on lightly: a few small blocks and one large one every 10 ms. */
static void light_activity(long ms) {
  struct timespec t0, now, tick = { 0, 10 * 1000 * 1000 };
  clock_gettime(CLOCK_MONOTONIC, &t0);
  void *p[64];
  for (long round = 0;; round++) {
    for (int i = 0; i < 64; i++) CHECK((p[i] = malloc(16 + (size_t)((round * 64 + i) * 37 % 2000))) != NULL, "malloc");
    void *big = malloc(300 << 10);
    CHECK(big != NULL, "malloc(300 KiB)");
    memset(big, 1, 4096);
    free(big);
    for (int i = 0; i < 64; i++) free(p[i]);
    nanosleep(&tick, NULL);
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 >= ms) break;
  }
}

int main(int argc, char **argv) {
  hk_require_hakmem();
  CHECK(argc >= 5, "usage: rss_return <thread|main> <keep_slabs> <cache_bytes> <delay_ms> [set_mib]");
  const char *mode = argv[1];
  long retain_slabs = strtol(argv[2], NULL, 0);
  long long cache_bytes = strtoll(argv[3], NULL, 0);
  long delay_ms = strtol(argv[4], NULL, 0);
  target = (size_t)hk_arg_long(argc, argv, 5, 192) << 20;
  if (delay_ms != 0) retain_slabs = 0; /* decay: checked after the delay; retain: not bounded */
  size_t keepable = (size_t)retain_slabs * 65536 + (size_t)cache_bytes;
  if (target < keepable + ((size_t)128 << 20)) target = keepable + ((size_t)128 << 20);
  probe_fn probe = (probe_fn)dlsym(RTLD_DEFAULT, "hakmem_probe");
  void (*os_stats)(hakmem_os_stats_t *) = (void (*)(hakmem_os_stats_t *))dlsym(RTLD_DEFAULT, "hakmem_os_stats");
  CHECK(probe && os_stats, "hakmem_probe / hakmem_os_stats not found");

  set_cap = target / 2048 + 1024; /* small blocks average 4 KiB and carry a third of the bytes */
  set = malloc(set_cap * sizeof *set);
  CHECK(set != NULL, "malloc(set)");
  memset(set, 0, set_cap * sizeof *set); /* resident before the baseline */
  long base_kib = hk_proc_status_kib("VmRSS");

  if (!strcmp(mode, "thread")) {
    pthread_t t;
    CHECK(pthread_create(&t, NULL, in_thread, NULL) == 0, "pthread_create");
    CHECK(pthread_join(t, NULL) == 0, "pthread_join");
  } else {
    CHECK(!strcmp(mode, "main"), "mode must be thread or main");
    build_set();
    free_set();
  }
  long after_kib = hk_proc_status_kib("VmRSS");
  int idle = argc > 6 && !strcmp(argv[6], "idle");
  long within_kib = argc > 7 ? atol(argv[7]) : 0;
  /* the bound's parts that do not move with time */
  int64_t classes = 0, cls_size, cap;
  CHECK(probe("core", "classes", 0, &classes) == 0, "probe core.classes");
  long long fronts = 0, current = 0;
  if (!strcmp(mode, "main") || delay_ms > 0) { /* light activity runs in main */
    for (int64_t c = 0; c < classes; c++) {
      CHECK(probe("core", "class_stride", c, &cls_size) == 0, "probe class_stride");
      CHECK(probe("front", "capacity", c, &cap) == 0, "probe front.capacity");
      fronts += (long long)cap * cls_size;
      current += cls_size <= 8192 ? 65536 : 2 << 20;
    }
  }
  long long retained = (long long)retain_slabs * 65536;
  long long slack = 8 << 20;         /* stdio, the thread's stack, page tables do not count but libc does */
  if (delay_ms > 0) cache_bytes = 0; /* decay gives back the large cache too */
  hakmem_os_stats_t st;
  long long headers = 0, bound_kib = 0;
  long idle_kib = after_kib, waited_ms = 0;
  /* The time rule: the bound applies once 1.5 x the delay + 0.5 s have passed. The passes run
   * on the program's slow paths or a purge thread, which a loaded machine runs late: past that
   * time the program goes on (in 250 ms steps, up to 10 s more) until VmRSS is within the
   * bound, and says how late it was. A policy that keeps the set fails at the end. */
  long due_ms = delay_ms > 0 ? delay_ms * 3 / 2 + 500 : 0, late_ms = 0;
  for (long step = due_ms;; step = 250) {
    if (step > 0 && idle) { /* no allocator call at all: only a purge thread can give back */
      struct timespec nap = { step / 1000, (step % 1000) * 1000000L };
      while (nanosleep(&nap, &nap) != 0) {}
    } else if (step > 0) {
      light_activity(step);
    }
    waited_ms += step;
    idle_kib = hk_proc_status_kib("VmRSS");
    os_stats(&st);
    headers = (long long)st.chunks * 4096;
    bound_kib = base_kib + (retained + cache_bytes + fronts + current + headers + slack) / 1024;
    int within = within_kib <= 0 || idle_kib - base_kib <= within_kib;
    if (delay_ms <= 0 || (idle_kib <= bound_kib && within) || waited_ms >= due_ms + 10000) break;
  }
  late_ms = waited_ms - due_ms;
  printf("mode=%s set=%zu MiB in %zu blocks rss: baseline=%ld peak=%ld after=%ld KiB\n", mode, set_bytes >> 20, set_len,
         base_kib, peak_kib, delay_ms < 0 ? after_kib : idle_kib);
  printf("delay=%ld ms: after the free %ld KiB, after %ld ms of %s %ld KiB (due after %ld ms: %ld ms late)\n", delay_ms,
         after_kib, waited_ms, idle ? "no activity" : "light activity", idle_kib, due_ms, late_ms);
  printf("bound=%lld KiB = baseline + retained %lld + cache %lld + fronts %lld + current %lld + headers %lld + slack "
         "%lld (KiB)\n",
         bound_kib, retained >> 10, cache_bytes >> 10, fronts >> 10, current >> 10, headers >> 10, slack >> 10);
  printf("returned=%ld KiB of %ld KiB above the baseline (%.1f%%)\n", peak_kib - idle_kib, peak_kib - base_kib,
         100.0 * (double)(peak_kib - idle_kib) / (double)(peak_kib - base_kib));
  CHECK(peak_kib - base_kib >= (long)(target >> 10) / 2, "the working set was not resident (peak %ld KiB)", peak_kib);
  if (delay_ms >= 0)
    CHECK(idle_kib <= bound_kib,
          "VmRSS %ld KiB %ld ms after freeing a %zu MiB working set exceeds the policy's bound %lld KiB", idle_kib,
          waited_ms, set_bytes >> 20, bound_kib);

  /* malloc_trim: everything resting goes back, whatever the policy */
  int trimmed = malloc_trim(0);
  long trim_kib = hk_proc_status_kib("VmRSS");
  long long trim_bound_kib = base_kib + (current + headers + slack) / 1024;
  printf("malloc_trim(0)=%d rss=%ld KiB bound=%lld KiB\n", trimmed, trim_kib, trim_bound_kib);
  CHECK(trim_kib <= trim_bound_kib, "VmRSS %ld KiB after malloc_trim(0) exceeds %lld KiB", trim_kib, trim_bound_kib);
  if (idle_kib - trim_kib > 16 << 10)
    CHECK(trimmed == 1, "malloc_trim gave back %ld KiB but returned 0", idle_kib - trim_kib);
  free(set);
  hk_done();
}
