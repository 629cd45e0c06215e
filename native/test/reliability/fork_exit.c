/* fork_exit.c — repeated fork() while other threads allocate, free and hand blocks to each
 * other; forks come from the main thread and from a worker. Each child checks the blocks it
 * inherited, allocates across every size range, runs two threads of its own that free each
 * other's blocks, forks a grandchild that does the same, and leaves with exit(0), so atexit
 * handlers and destructors run (with HAKMEM_REPORT set, every process writes its line). The
 * parent waits with a deadline: a deadlocked child fails the run.
 * Usage: fork_exit [forks=12] [child_timeout_s=20] */
#include "hk_test.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#define NWORKERS 4
static volatile int stop;

/* Blocks handed between workers (cross-thread frees). Never touched by a child. */
#define RING 512
static pthread_mutex_t ring_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
  unsigned char *p;
  size_t n;
  uint64_t seed;
} ring[RING];
static size_t ring_len;

static size_t pick_size(uint64_t *r) {
  uint64_t x = hk_rand(r);
  if ((x & 0xff) == 0) return 300000 + x % 3000000; /* large */
  if ((x & 0xf) == 1) return 8193 + x % 200000;     /* whole-chunk classes */
  return 1 + x % 2048;
}

static void *worker(void *arg) {
  uint64_t rng = (uint64_t)(uintptr_t)arg * 7919 + 3;
  enum { SLOTS = 128 };
  unsigned char *slot[SLOTS] = { 0 };
  size_t len[SLOTS] = { 0 };
  for (unsigned long op = 0; !__atomic_load_n(&stop, __ATOMIC_RELAXED); op++) {
    if (op % 256 == 0) sched_yield();
    size_t i = hk_rand(&rng) % SLOTS;
    if (slot[i]) {
      CHECK_PATTERN(slot[i], len[i] < 512 ? len[i] : 512, i + 1);
      if (op % 3 == 0) { /* give it to another worker, take one back */
        unsigned char *take = NULL;
        size_t tn = 0;
        uint64_t ts = 0;
        pthread_mutex_lock(&ring_mu);
        if (ring_len == RING) {
          ring_len--;
          take = ring[ring_len].p;
          tn = ring[ring_len].n;
          ts = ring[ring_len].seed;
        }
        ring[ring_len].p = slot[i];
        ring[ring_len].n = len[i];
        ring[ring_len].seed = i + 1;
        ring_len++;
        pthread_mutex_unlock(&ring_mu);
        if (take) {
          CHECK_PATTERN(take, tn < 512 ? tn : 512, ts);
          free(take);
        }
      } else {
        free(slot[i]);
      }
    }
    len[i] = pick_size(&rng);
    slot[i] = malloc(len[i]);
    CHECK(slot[i] != NULL, "malloc(%zu)", len[i]);
    hk_fill(slot[i], len[i] < 512 ? len[i] : 512, i + 1);
  }
  for (size_t i = 0; i < SLOTS; i++) free(slot[i]);
  hk_thread_checks_flush();
  return NULL;
}

/* The child's own work: a few MiB over every size range, contents checked. */
static void child_work(uint64_t seed) {
  enum { N = 1500 };
  unsigned char **p = malloc(N * sizeof *p);
  size_t *n = malloc(N * sizeof *n);
  if (!p || !n) FAIL("child: malloc of its arrays failed");
  uint64_t rng = seed;
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < N; i++) {
      n[i] = pick_size(&rng);
      p[i] = malloc(n[i]);
      if (!p[i]) FAIL("child: malloc(%zu) returned NULL", n[i]);
      hk_fill(p[i], n[i] < 1024 ? n[i] : 1024, seed + (uint64_t)i);
    }
    for (int i = 0; i < N; i++) {
      if (hk_verify(p[i], n[i] < 1024 ? n[i] : 1024, seed + (uint64_t)i) != (size_t)-1)
        FAIL("child: block %d (%zu bytes) corrupted", i, n[i]);
      free(p[i]);
    }
  }
  free(p);
  free(n);
}

/* Two threads in the child free each other's blocks. */
static unsigned char *xblocks[2][400];
static pthread_barrier_t xbar;
static void *child_thread(void *arg) {
  int me = (int)(uintptr_t)arg;
  for (int i = 0; i < 400; i++) {
    xblocks[me][i] = malloc((size_t)(i * 37 % 3000) + 1);
    if (!xblocks[me][i]) FAIL("child thread: malloc");
    memset(xblocks[me][i], me + 1, (size_t)(i * 37 % 3000) + 1);
  }
  pthread_barrier_wait(&xbar);
  for (int i = 0; i < 400; i++) {
    unsigned char *b = xblocks[1 - me][i];
    if (b[0] != 2 - me) FAIL("child thread: the other thread's block %d corrupted", i);
    free(b);
  }
  child_work((uint64_t)me * 77 + 5);
  return NULL;
}

/* Waits for pid with a deadline; returns its status or fails. */
static int wait_deadline(pid_t pid, int timeout_s, const char *what) {
  int status = 0;
  time_t deadline = time(NULL) + timeout_s;
  pid_t r;
  while ((r = waitpid(pid, &status, WNOHANG)) == 0) {
    if (time(NULL) > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      FAIL("%s %d did not finish within %d s (deadlock after fork?)", what, (int)pid, timeout_s);
    }
    struct timespec ms = { 0, 2 * 1000 * 1000 };
    nanosleep(&ms, NULL);
  }
  if (r != pid) FAIL("waitpid(%d): %s", (int)pid, strerror(errno));
  if (WIFSIGNALED(status)) FAIL("%s %d killed by signal %d", what, (int)pid, WTERMSIG(status));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) FAIL("%s %d exited with %d", what, (int)pid, WEXITSTATUS(status));
  return status;
}

static int timeout_s;
enum { INH = 300 };
static unsigned char *inh[INH];

static void in_child(int f) {
  alarm((unsigned)timeout_s);
  for (int i = 0; i < INH; i++) {
    if (hk_verify(inh[i], (size_t)(i * 13 % 3000) + 1, (uint64_t)(i + f)) != (size_t)-1)
      FAIL("child: inherited block %d corrupted", i);
    free(inh[i]);
  }
  child_work((uint64_t)f * 1000 + 1);
  pthread_barrier_init(&xbar, NULL, 2);
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    if (pthread_create(&t[i], NULL, child_thread, (void *)(uintptr_t)i) != 0) FAIL("child: pthread_create");
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  if (f % 4 == 0) { /* a grandchild, forked by a process that has threads of its own behind it */
    pid_t g = fork();
    if (g < 0) FAIL("child: fork: %s", strerror(errno));
    if (g == 0) {
      child_work((uint64_t)f * 1000 + 9);
      exit(0);
    }
    wait_deadline(g, timeout_s, "grandchild");
  }
  child_work((uint64_t)f * 1000 + 2);
  exit(0); /* a clean exit: atexit handlers, destructors, the HAKMEM_REPORT line */
}

static int do_fork(int f) {
  pid_t pid = fork();
  if (pid < 0) FAIL("fork #%d failed: %s", f, strerror(errno));
  if (pid == 0) in_child(f);
  wait_deadline(pid, timeout_s + 5, "child");
  return 0;
}

/* A worker-thread fork: the forking thread is not main. */
static int fork_from_thread_f;
static void *forker(void *arg) {
  (void)arg;
  do_fork(fork_from_thread_f);
  return NULL;
}

int main(int argc, char **argv) {
  hk_require_hakmem();
  int nforks = (int)hk_arg_long(argc, argv, 1, 12);
  timeout_s = (int)hk_arg_long(argc, argv, 2, 20);
  pthread_t w[NWORKERS];
  for (int i = 0; i < NWORKERS; i++)
    CHECK(pthread_create(&w[i], NULL, worker, (void *)(uintptr_t)i) == 0, "pthread_create");
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int f = 0; f < nforks; f++) {
    for (int i = 0; i < INH; i++) {
      inh[i] = malloc((size_t)(i * 13 % 3000) + 1);
      CHECK(inh[i] != NULL, "malloc");
      hk_fill(inh[i], (size_t)(i * 13 % 3000) + 1, (uint64_t)(i + f));
    }
    struct timespec ts = { 0, 1 * 1000 * 1000 };
    nanosleep(&ts, NULL); /* let the workers get deep into malloc/free */
    if (f % 2) {
      pthread_t t;
      fork_from_thread_f = f;
      CHECK(pthread_create(&t, NULL, forker, NULL) == 0, "pthread_create(forker)");
      pthread_join(t, NULL);
    } else {
      do_fork(f);
    }
    for (int i = 0; i < INH; i++) {
      CHECK_PATTERN(inh[i], (size_t)(i * 13 % 3000) + 1, (uint64_t)(i + f));
      free(inh[i]);
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < NWORKERS; i++) CHECK(pthread_join(w[i], NULL) == 0, "pthread_join");
  for (size_t i = 0; i < ring_len; i++) {
    CHECK_PATTERN(ring[i].p, ring[i].n < 512 ? ring[i].n : 512, ring[i].seed);
    free(ring[i].p);
  }
  child_work(99);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("forks=%d grandchildren=%d seconds=%.2f\n", nforks, (nforks + 3) / 4, secs);
  hk_done();
}
