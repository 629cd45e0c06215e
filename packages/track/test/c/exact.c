/* Memcheck through track/valgrind sees the sizes the program asked for, not the class sizes:
 * a leaked malloc(100) (marked LEAK) is 100 bytes lost, a read of its byte 100 (PAST) is
 * invalid, as are reads just past a calloc'd block and a large one (CALLOC_PAST, LARGE_PAST), a realloc shrunk in place (SHRUNK) ends at its new size, the block (RESIZED)
 * grown in place again and leaked is lost with its new size, and a realloc that moves copies only the bytes asked
 * for (no invalid read inside realloc). malloc_usable_size answers the size asked for. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *volatile sink;

__attribute__((noinline)) static void make_leak(void) {
  char *p = malloc(100); /* LEAK */
  memset(p, 'x', 100);
  sink = p;
  sink = NULL;
}

__attribute__((noinline)) static int read_past(void) {
  char *p = malloc(100);
  memset(p, 1, 100);
  int v = p[100]; /* PAST */
  free(p);
  return v;
}

__attribute__((noinline)) static int read_past_calloc_and_large(void) {
  char *c = calloc(10, 10);
  char *big = malloc((3 << 20) + 5); /* a large block: its mapping is opened whole when mapped */
  big[(3 << 20) + 4] = 1;
  int v = c[100];          /* CALLOC_PAST */
  v += big[(3 << 20) + 5]; /* LARGE_PAST */
  free(c);
  free(big);
  return v;
}

__attribute__((noinline)) static int resize_in_place(void) {
  char *p = malloc(100); /* RESIZED */
  memset(p, 2, 100);
  char *q = realloc(p, 60);        /* 60 of a 112-byte block: kept */
  int v = q[60] + (q != p) * 1000; /* SHRUNK */
  char *r = realloc(q, 110);       /* back within the block: kept, 110 bytes */
  memset(r, 3, 110);
  v += (r != q) * 1000;
  sink = r; /* lost with its 110 bytes */
  sink = NULL;
  return v;
}

__attribute__((noinline)) static int resize_moved(void) {
  char *p = malloc(40);
  memset(p, 4, 40);
  char *q = realloc(p, 4000); /* moves: copies 40 bytes, not the 48 of the block */
  int bad = q[0] != 4 || q[39] != 4;
  free(q);
  return bad;
}

int main(void) {
  make_leak();
  int v = read_past() + read_past_calloc_and_large() + resize_in_place();
  char *u = malloc(100);
  size_t usable = malloc_usable_size(u);
  free(u);
  printf("exact usable=%zu moved_bad=%d v=%d\n", usable, resize_moved(), v >= 1000);
  return 0;
}
