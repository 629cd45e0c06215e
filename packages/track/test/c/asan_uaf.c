/* Built with -fsanitize=address and linked with a track/asan variant's libhakmem.a: hakmem
 * serves malloc (the executable's definition wins over ASan's), and a read of a freed block
 * (the line marked UAF) is reported by ASan as use-after-poison. Before it, a clean part that
 * must raise nothing: blocks of many sizes, calloc, realloc, aligned, large, reused. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hakmem.h"

static int64_t probe(const char *slot, const char *name, const void *arg) {
  int64_t out = -1;
  hakmem_probe(slot, name, (int64_t)(uintptr_t)arg, &out);
  return out;
}

int main(void) {
  for (int round = 0; round < 2; round++) {
    for (size_t n = 1; n < 5000; n += 37) {
      char *p = malloc(n), *z = calloc(1, n);
      memset(p, 1, n);
      p = realloc(p, n * 2);
      memcpy(z, p, n);
      free(p);
      free(z);
    }
    void *a = NULL;
    if (posix_memalign(&a, 256, 1000)) return 2;
    memset(a, 2, 1000);
    free(a);
    char *big = calloc(1, (size_t)3 << 20);
    big[12345] = 1;
    free(big);
  }
  int *q = malloc(48);
  printf("served=%lld kind=%lld running=%lld\n", (long long)probe("core", "classify", q),
         (long long)probe("track", "kind", NULL), (long long)probe("track", "running", NULL));
  fflush(stdout);
  q[3] = 7;
  free(q);
  return q[3]; /* UAF */
}
