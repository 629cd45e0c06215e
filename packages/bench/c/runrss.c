/* runrss: run a command and report its peak RSS and times.
 *
 *   runrss [--preload LIB.so] [--timeout SECONDS] [--output FILE] -- COMMAND [ARGS...]
 *
 * Forks, sets LD_PRELOAD=LIB in the child only (so runrss itself is never
 * preloaded), execs COMMAND, waits with wait4() and prints, after the child
 * has exited, one line on stdout:
 *   {"runrss":{"exit":E,"signal":S,"maxRssKb":K,"minorFaults":F,"majorFaults":M,
 *              "wallSeconds":W,"userSeconds":U,"sysSeconds":Y,"timedOut":false}}
 * ru_maxrss is the child's own peak resident set size in KiB; ru_minflt and
 * ru_majflt its page faults (minor: a page mapped without I/O, e.g. the first
 * touch of fresh memory; major: one that needed I/O). With --timeout
 * the child is killed (SIGKILL) after that many seconds. With --output the child's stdout and
 * stderr go to FILE (created or truncated), so however much it prints, runrss's own line is the
 * only one on stdout. runrss exits 0 when
 * it could run the command, 127 when exec failed, 2 on a usage error. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;
static pid_t child;

static void on_alarm(int sig) {
  (void)sig;
  timed_out = 1;
  if (child > 0) kill(child, SIGKILL);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double tv(struct timeval t) { return (double)t.tv_sec + (double)t.tv_usec * 1e-6; }

int main(int argc, char **argv) {
  const char *preload = NULL, *output = NULL;
  double timeout = 0;
  int i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "--preload") && i + 1 < argc) preload = argv[++i];
    else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) timeout = atof(argv[++i]);
    else if (!strcmp(argv[i], "--output") && i + 1 < argc) output = argv[++i];
    else if (!strcmp(argv[i], "--")) {
      i++;
      break;
    } else break;
  }
  if (i >= argc) {
    fprintf(stderr, "usage: runrss [--preload LIB.so] [--timeout SECONDS] [--output FILE] -- COMMAND [ARGS...]\n");
    return 2;
  }
  fflush(stdout);
  double t0 = now();
  child = fork();
  if (child < 0) {
    perror("runrss: fork");
    return 2;
  }
  if (child == 0) {
    if (preload && *preload) setenv("LD_PRELOAD", preload, 1);
    if (output) {
      int fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) {
        fprintf(stderr, "runrss: cannot write %s: %s\n", output, strerror(errno));
        _exit(127);
      }
    }
    execvp(argv[i], &argv[i]);
    fprintf(stderr, "runrss: cannot run %s: %s\n", argv[i], strerror(errno));
    _exit(127);
  }
  if (timeout > 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = { { 0, 0 }, { (time_t)timeout, (suseconds_t)((timeout - (double)(time_t)timeout) * 1e6) } };
    setitimer(ITIMER_REAL, &it, NULL);
  }
  int status = 0;
  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  pid_t r;
  while ((r = wait4(child, &status, 0, &ru)) < 0 && errno == EINTR) {}
  double wall = now() - t0;
  if (r < 0) {
    perror("runrss: wait4");
    return 2;
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  printf("{\"runrss\":{\"exit\":%d,\"signal\":%d,\"maxRssKb\":%ld,\"minorFaults\":%ld,\"majorFaults\":%ld,"
         "\"wallSeconds\":%.6f,\"userSeconds\":%.6f,\"sysSeconds\":%.6f,\"timedOut\":%s}}\n",
         code, sig, ru.ru_maxrss, ru.ru_minflt, ru.ru_majflt, wall, tv(ru.ru_utime), tv(ru.ru_stime),
         timed_out ? "true" : "false");
  fflush(stdout);
  return code == 127 ? 127 : 0;
}
