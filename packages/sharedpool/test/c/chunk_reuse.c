/* chunk_reuse: a whole chunk that comes to rest goes back to the class it served.
 *
 * A thread takes one block of 224 KiB (X) and one of 256 KiB (Y), each in a whole chunk of
 * its own, frees both and exits: the flush at its exit lays both chunks to rest, X's first.
 * The main thread, with a heap of its own, then asks for X. Prints "x-chunk: same" when the
 * block lies in the chunk X's block lay in, "x-chunk: other" otherwise (a pool that hands out
 * the chunk that rested last gives it Y's, whose pages were touched where Y's blocks lie). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define X     (224u << 10)
#define Y     (256u << 10)
#define CHUNK ((uintptr_t)2 << 20)

static uintptr_t x_chunk, y_chunk;

static void *worker(void *arg) {
  (void)arg;
  char *x = malloc(X), *y = malloc(Y);
  if (!x || !y) return (void *)1;
  memset(x, 1, 64);
  memset(y, 2, 64);
  x_chunk = (uintptr_t)x & ~(CHUNK - 1);
  y_chunk = (uintptr_t)y & ~(CHUNK - 1);
  free(x);
  free(y);
  return NULL;
}

int main(void) {
  free(malloc(16)); /* the main thread's own heap, so it adopts none */
  pthread_t t;
  void *rc;
  if (pthread_create(&t, NULL, worker, NULL) || pthread_join(t, &rc) || rc) {
    fprintf(stderr, "chunk_reuse: the worker failed\n");
    return 1;
  }
  if (x_chunk == y_chunk) {
    fprintf(stderr, "chunk_reuse: X and Y shared a chunk (not whole-chunk classes?)\n");
    return 1;
  }
  char *x = malloc(X);
  if (!x) return 1;
  uintptr_t c = (uintptr_t)x & ~(CHUNK - 1);
  printf("x-chunk: %s\n", c == x_chunk ? "same" : c == y_chunk ? "other (y's)" : "other");
  free(x);
  return 0;
}
