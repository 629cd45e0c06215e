/* A correct program that exercises every path of hakmem that touches a block: slab sizes
 * (hits, misses, drains), calloc, realloc in place and moved, posix_memalign and aligned_alloc
 * above 64, large blocks (> 1 MiB) reused from the cache with calloc, cross-thread frees. Run
 * under memcheck with track/valgrind it must give ERROR SUMMARY: 0 errors and no leak. */
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 2000

static void *blocks[N];

static void *consumer(void *arg) {
  (void)arg;
  for (int i = 0; i < N; i++) free(blocks[i]); /* another thread's blocks: the remote path */
  return NULL;
}

static int check(const unsigned char *p, int byte, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != byte) return 0;
  return 1;
}

int main(void) {
  int bad = 0;
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < N; i++) {
      size_t n = (size_t)(i * 37 % 3000) + 1;
      blocks[i] = malloc(n);
      memset(blocks[i], i & 0xff, n);
    }
    for (int i = 0; i < N; i += 2) free(blocks[i]);
    for (int i = 0; i < N; i += 2) {
      blocks[i] = calloc(1, (size_t)(i % 500) + 1);
      bad += !check(blocks[i], 0, (size_t)(i % 500) + 1);
    }
    for (int i = 1; i < N; i += 2) {
      size_t n = (size_t)(i * 37 % 3000) + 1;
      blocks[i] = realloc(blocks[i], n + (size_t)(i % 3) * 900); /* some stay, some move */
      bad += !check(blocks[i], i & 0xff, n);
    }
    for (int i = 0; i < N; i++) free(blocks[i]);
  }
  for (int i = 0; i < 64; i++) {
    void *p = NULL;
    if (posix_memalign(&p, 256, (size_t)(i * 50 + 1)) || ((uintptr_t)p & 255)) bad++;
    memset(p, 1, (size_t)(i * 50 + 1));
    bad += malloc_usable_size(p) < (size_t)(i * 50 + 1);
    p = realloc(p, (size_t)(i * 50 + 20));
    free(p);
    void *q = aligned_alloc(4096, 4096);
    memset(q, 2, 4096);
    free(q);
  }
  for (int i = 0; i < 4; i++) {
    size_t n = (size_t)(3 + i) << 20;
    unsigned char *big = malloc(n);
    memset(big, 3, n);
    free(big);
    big = calloc(1, n); /* the cached mapping comes back zeroed */
    bad += !check(big, 0, n);
    big = realloc(big, n + 4096);
    free(big);
  }
  for (int i = 0; i < N; i++) blocks[i] = malloc((size_t)(i % 200) + 8);
  pthread_t t;
  pthread_create(&t, NULL, consumer, NULL);
  pthread_join(t, NULL);
  free(NULL);
  printf("clean bad=%d\n", bad);
  return bad != 0;
}
