/* no_membarrier.c: run a program where membarrier(2) is refused (a seccomp filter answers
 * ENOSYS, as some container runtimes and emulators do), so hakmem's heap lock falls back to
 * a fence on the owner's side (native/core/hk_heap.c). Checks the filter works, says so, then
 * execs the program with its arguments.
 * Usage: no_membarrier <program> [args...] */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: no_membarrier <program> [args...]\n");
    return 2;
  }
  struct sock_filter filter[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_membarrier, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { (unsigned short)(sizeof filter / sizeof filter[0]), filter };
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
    perror("no_membarrier: seccomp");
    return 2;
  }
  errno = 0;
  long r = syscall(SYS_membarrier, 0 /* MEMBARRIER_CMD_QUERY */, 0, 0);
  if (r != -1 || errno != ENOSYS) {
    fprintf(stderr, "no_membarrier: membarrier still answers (%ld, errno %d)\n", r, errno);
    return 2;
  }
  printf("membarrier refused\n");
  fflush(stdout);
  execv(argv[1], argv + 1);
  perror("no_membarrier: execv");
  return 2;
}
