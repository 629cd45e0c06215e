/* Runtime tunables: prints what the allocator runs with, through its probes, for the test to
 * compare with the environment it set (HAKMEM_REFILL_BATCH_BLOCKS, HAKMEM_FRONT_MAX_BLOCKS,
 * HAKMEM_LIMIT, ...). Then a little allocation, so the values are also in use.
 * `options dup-env`: runs itself again with HAKMEM_LIMTI and HAKMEM_X each twice in its
 * environment (which the shell and Node cannot do) and LD_PRELOAD kept, for the test to count
 * one line each. `options fork`: also forks a child that allocates, and threads that do, after
 * start-up (the check of HAKMEM_ names runs once per process, not again in them). */
#include "hk_test.h"
#include <pthread.h>
#include <sys/wait.h>

static void *thread_alloc(void *arg) {
  (void)arg;
  free(malloc(100));
  return NULL;
}

static int64_t probe(const char *slot, const char *name, int64_t arg) {
  int64_t v = -1;
  CHECK(hk_probe(slot, name, arg, &v), "probe %s/%s is missing", slot, name);
  return v;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "dup-env")) {
    static char preload[4096];
    const char *lib = getenv("LD_PRELOAD");
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s", lib ? lib : "");
    char *env[] = { preload, "HAKMEM_LIMTI=1", "HAKMEM_X=1", "HAKMEM_LIMTI=2", "HAKMEM_X=1", NULL };
    char *args[] = { argv[0], NULL };
    execve("/proc/self/exe", args, env);
    FAIL("execve: %s", strerror(errno));
  }
  hk_require_hakmem();
  int64_t cls = probe("core", "class_of", 64 + hk_test_tail());
  printf("refill.batch=%lld\n", (long long)probe("refill", "batch", cls));
  printf("front.capacity=%lld\n", (long long)probe("front", "capacity", cls));
  printf("front.class_size=%lld\n", (long long)probe("core", "class_size", cls));
  printf("purge.hard_limit=%lld\n", (long long)probe("purge", "hard_limit", 0));
  void *p[1000];
  for (int i = 0; i < 1000; i++) CHECK((p[i] = malloc(64)) != NULL, "malloc(64)");
  for (int i = 0; i < 1000; i++) free(p[i]);
  int64_t count = probe("front", "count", cls);
  CHECK(count <= probe("front", "capacity", cls), "the front holds %lld blocks, past its capacity", (long long)count);
  if (argc > 1 && !strcmp(argv[1], "fork")) {
    pthread_t t[4];
    for (int i = 0; i < 4; i++) CHECK(pthread_create(&t[i], NULL, thread_alloc, NULL) == 0, "pthread_create");
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
      free(malloc(200));
      free(malloc(1 << 20));
      _exit(0);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child failed");
  }
  hk_done();
}
