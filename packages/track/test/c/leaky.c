/* A program with two bugs for memcheck to find through hakmem's track/valgrind box: a block
 * lost in make_leak (the malloc line is marked LEAK) and a read of a freed block in
 * read_after_free (marked UAF). The test finds the lines by their marks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *volatile sink;

__attribute__((noinline)) static void make_leak(void) {
  char *p = malloc(72); /* LEAK */
  memset(p, 'x', 72);
  sink = p;
  sink = NULL; /* the only pointer is gone: definitely lost */
}

__attribute__((noinline)) static int read_after_free(void) {
  int *q = malloc(48);
  q[3] = 7;
  free(q);
  return q[3]; /* UAF */
}

int main(void) {
  make_leak();
  int v = read_after_free();
  printf("done %d\n", v == 12345);
  return 0;
}
