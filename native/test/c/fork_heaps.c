/* fork_heaps.c: fork() while threads are inside the allocator's slow paths; every child checks
 * that the heaps it inherited are consistent (probe core/heaps_check), then uses them.
 * Usage: fork_heaps [forks=2000] [workers=2] */
#include "hk_test.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

static volatile int stop;

/* Fill and empty slabs of several classes at once, locally and across threads, so the worker
 * spends its time in refill, drain and slab release: the slow paths a fork may interrupt. */
static void *worker(void *arg) {
  uint64_t rng = (uint64_t)(uintptr_t)arg * 7919 + 3;
  enum { N = 600 };
  static __thread void *p[N];
  while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
    size_t base = 16 + hk_rand(&rng) % 2048;
    for (int i = 0; i < N; i++) {
      p[i] = malloc(base + (size_t)(i % 7) * 160);
      CHECK(p[i] != NULL, "malloc");
      *(volatile char *)p[i] = 1;
    }
    for (int i = 0; i < N; i++) free(p[(i * 7) % N]); /* N is not a multiple of 7 */
  }
  return NULL;
}

int main(int argc, char **argv) {
  /* Before the program's first allocation: hakmem registered its fork handlers at load. */
  int64_t registered = 0;
  if (hk_probe("core", "fork_handlers", 0, &registered) && registered != 1)
    FAIL("the fork handlers are not registered before main's first allocation");
  hk_require_hakmem();
  int forks = (int)hk_arg_long(argc, argv, 1, 2000);
  int nworkers = (int)hk_arg_long(argc, argv, 2, 2);
  int64_t bad = 0;
  CHECK(hk_probe("core", "heaps_check", 0, &bad), "probe core/heaps_check missing");
  CHECK(hk_probe("core", "fork_handlers", 0, &registered) && registered == 1, "fork handlers not registered");
  CHECK(bad == 0, "heaps inconsistent before any fork: %lld", (long long)bad);
  pthread_t w[16];
  if (nworkers > 16) nworkers = 16;
  for (int i = 0; i < nworkers; i++)
    CHECK(pthread_create(&w[i], NULL, worker, (void *)(uintptr_t)(i + 1)) == 0, "pthread_create");
  int failed = 0;
  for (int f = 0; f < forks; f++) {
    pid_t pid = fork();
    CHECK(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
      alarm(20);
      int64_t b = -1;
      hk_probe("core", "heaps_check", 0, &b);
      if (b != 0) _exit(3);
      /* use what was inherited: a thread adopts one of the orphaned heaps */
      pthread_t t;
      if (pthread_create(&t, NULL, worker, (void *)(uintptr_t)99) != 0) _exit(4);
      struct timespec ts = { 0, 1000 * 1000 };
      nanosleep(&ts, NULL);
      stop = 1;
      pthread_join(t, NULL);
      hk_probe("core", "heaps_check", 0, &b);
      _exit(b != 0 ? 5 : 0);
    }
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      failed++;
      fprintf(stderr, "fork #%d: child %s %d\n", f, WIFSIGNALED(st) ? "killed by signal" : "exited with",
              WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    }
  }
  __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < nworkers; i++) pthread_join(w[i], NULL);
  printf("forks=%d failed=%d\n", forks, failed);
  CHECK(failed == 0, "%d of %d children found their heaps inconsistent or died", failed, forks);
  hk_done();
}
