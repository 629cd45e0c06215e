/* link_bitflip — a one-bit flip of a link in a free block, for every one of its 64 bits: each
 * in a child of its own, which frees 300 blocks of one class (more than the front keeps, so some
 * go back onto their slab with a link in word 0), flips bit `b` of the first link it finds, and
 * allocates 600 blocks of the class again, which takes every link back. Prints one line per bit:
 * "bit <b> <how the child ended>". */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int child(int bit) {
  void *p[300];
  for (int i = 0; i < 300; i++) p[i] = malloc(48);
  for (int i = 0; i < 300; i++) free(p[i]);
  for (int i = 0; i < 300; i++) {
    volatile uint64_t *w = (volatile uint64_t *)p[i];
    if (*w) { /* a block that holds a link (the others were cleared on free) */
      *w ^= 1ull << bit;
      for (int k = 0; k < 600; k++)
        if (!malloc(48)) return 2;
      return 0; /* the flip went unnoticed */
    }
  }
  return 3; /* no link found */
}

int main(void) {
  for (int b = 0; b < 64; b++) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) _exit(child(b));
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st)) printf("bit %d signal %d\n", b, WTERMSIG(st));
    else printf("bit %d exit %d\n", b, WEXITSTATUS(st));
  }
  return 0;
}
