/* fork.c: fork() while other threads allocate; every child must get a usable heap.
 * Usage: fork [forks=20] [child_timeout_s=20] */
#include "hk_test.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#define NWORKERS 4
static volatile int stop;
/* Set while the parent waits for a child: the workers rest, so the child does not share the
 * CPUs with four threads whose work no longer matters to it (they ran up to the fork). */
static volatile int resting;

static void *worker(void *arg) {
  uint64_t rng = (uint64_t)(uintptr_t)arg * 7919 + 3;
  enum { SLOTS = 256 };
  unsigned char *slot[SLOTS] = { 0 };
  size_t len[SLOTS] = { 0 };
  for (unsigned long op = 0; !__atomic_load_n(&stop, __ATOMIC_RELAXED); op++) {
    if (op % 512 == 0) {
      sched_yield(); /* keep the pressure on, but let the children run */
      while (__atomic_load_n(&resting, __ATOMIC_RELAXED) && !__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
        struct timespec nap = { 0, 200 * 1000 };
        nanosleep(&nap, NULL);
      }
    }
    size_t i = hk_rand(&rng) % SLOTS;
    if (slot[i]) {
      CHECK_PATTERN(slot[i], len[i], i);
      free(slot[i]);
    }
    uint64_t r = hk_rand(&rng);
    len[i] = (r & 0xff) == 0 ? 100000 + r % 3000000 : 8 + r % 2000; /* mostly small, some large */
    slot[i] = malloc(len[i]);
    CHECK(slot[i] != NULL, "malloc(%zu)", len[i]);
    hk_fill(slot[i], len[i] < 4096 ? len[i] : 4096, i);
    if (len[i] > 4096) len[i] = 4096;
  }
  for (size_t i = 0; i < SLOTS; i++) free(slot[i]);
  hk_thread_checks_flush();
  return NULL;
}

/* In the child: a few MiB across classes, contents checked (big blocks: first 4 KiB and last byte);
 * the second round runs on what the first freed. */
static void child_work(uint64_t seed) {
  enum { N = 2000 };
  static __thread unsigned char *p[N];
  static __thread size_t n[N];
  uint64_t rng = seed;
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < N; i++) {
      n[i] = (i % 100 == 0) ? 65536 + hk_rand(&rng) % 1000000 : 1 + hk_rand(&rng) % 1500;
      p[i] = malloc(n[i]);
      if (!p[i]) FAIL("child: malloc(%zu) returned NULL", n[i]);
      hk_fill(p[i], n[i] < 4096 ? n[i] : 4096, (uint64_t)i + seed);
      p[i][n[i] - 1] = (unsigned char)i;
    }
    for (int i = 0; i < N; i++) {
      if (hk_verify(p[i], n[i] < 4096 ? n[i] - 1 : 4096, (uint64_t)i + seed) != (size_t)-1 ||
          p[i][n[i] - 1] != (unsigned char)i)
        FAIL("child: block %d corrupted", i);
      free(p[i]);
    }
  }
}

static void *child_thread(void *arg) {
  child_work((uint64_t)(uintptr_t)arg);
  return NULL;
}

int main(int argc, char **argv) {
  hk_require_hakmem();
  int nforks = (int)hk_arg_long(argc, argv, 1, 20);
  int timeout_s = (int)hk_arg_long(argc, argv, 2, 20);
  pthread_t w[NWORKERS];
  for (int i = 0; i < NWORKERS; i++)
    CHECK(pthread_create(&w[i], NULL, worker, (void *)(uintptr_t)i) == 0, "pthread_create");

  /* Blocks allocated before each fork, inherited by the child, which checks and frees them. */
  enum { INH = 500 };
  unsigned char *inh[INH];
  for (int f = 0; f < nforks; f++) {
    for (int i = 0; i < INH; i++) {
      inh[i] = malloc((size_t)(i * 13 % 3000) + 1);
      CHECK(inh[i] != NULL, "malloc");
      hk_fill(inh[i], (size_t)(i * 13 % 3000) + 1, (uint64_t)(i + f));
    }
    struct timespec ts = { 0, 2 * 1000 * 1000 };
    nanosleep(&ts, NULL); /* let the workers get deep into malloc/free */
    pid_t pid = fork();
    CHECK(pid >= 0, "fork failed: %s", strerror(errno));
    if (pid == 0) {
      alarm((unsigned)timeout_s); /* a deadlocked child dies of SIGALRM */
      for (int i = 0; i < INH; i++) {
        if (hk_verify(inh[i], (size_t)(i * 13 % 3000) + 1, (uint64_t)(i + f)) != (size_t)-1)
          FAIL("child: inherited block %d corrupted", i);
        free(inh[i]);
      }
      child_work((uint64_t)f * 1000 + 1);
      pthread_t t;
      if (pthread_create(&t, NULL, child_thread, (void *)(uintptr_t)(f + 7)) != 0) FAIL("child: pthread_create failed");
      if (pthread_join(t, NULL) != 0) FAIL("child: pthread_join failed");
      child_work((uint64_t)f * 1000 + 2);
      _exit(0);
    }
    /* Parent: wait with a deadline, the workers resting. */
    __atomic_store_n(&resting, 1, __ATOMIC_RELAXED);
    int status = 0;
    time_t deadline = time(NULL) + timeout_s + 5;
    pid_t r;
    while ((r = waitpid(pid, &status, WNOHANG)) == 0) {
      if (time(NULL) > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        FAIL("fork #%d: child %d did not finish within %d s (deadlock after fork?)", f, (int)pid, timeout_s + 5);
      }
      struct timespec ms = { 0, 5 * 1000 * 1000 };
      nanosleep(&ms, NULL);
    }
    __atomic_store_n(&resting, 0, __ATOMIC_RELAXED);
    CHECK(r == pid, "waitpid: %s", strerror(errno));
    if (WIFSIGNALED(status))
      FAIL("fork #%d: child killed by signal %d%s", f, WTERMSIG(status),
           WTERMSIG(status) == SIGALRM ? " (SIGALRM: deadlock in the child)" : "");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fork #%d: child exited with %d", f, WEXITSTATUS(status));
    for (int i = 0; i < INH; i++) {
      CHECK_PATTERN(inh[i], (size_t)(i * 13 % 3000) + 1, (uint64_t)(i + f));
      free(inh[i]);
    }
  }
  __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < NWORKERS; i++) CHECK(pthread_join(w[i], NULL) == 0, "pthread_join");
  child_work(99);
  printf("forks=%d\n", nforks);
  hk_done();
}
