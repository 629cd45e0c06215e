/* Built with -fsanitize=address and linked with a track/asan variant's libhakmem.a: a block is
 * addressable up to the size the program asked for and poisoned after it, realloc in place
 * moves that end, malloc_usable_size answers the size asked for, and a read of byte 100 of
 * malloc(100) (the line marked PAST) is reported by ASan. */
#include <malloc.h>
#include <sanitizer/asan_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hakmem.h"

/* 1 when p[0, n) is addressable and p[n] is not. */
static int ends_at(const char *p, size_t n) {
  return !__asan_region_is_poisoned((void *)p, n) && __asan_address_is_poisoned(p + n);
}

int main(void) {
  int64_t served = -1;
  char *p = malloc(100);
  hakmem_probe("core", "classify", (int64_t)(uintptr_t)p, &served);
  memset(p, 1, 100);
  int ok = ends_at(p, 100) && malloc_usable_size(p) == 100;
  char *q = realloc(p, 60); /* 60 of a 112-byte block: kept */
  ok = ok && q == p && ends_at(q, 60) && malloc_usable_size(q) == 60;
  q = realloc(q, 110); /* within the block again: kept */
  ok = ok && q == p && ends_at(q, 110) && malloc_usable_size(q) == 110;
  char *m = realloc(q, 3000); /* moves, copying the 110 bytes asked for */
  ok = ok && ends_at(m, 3000) && m[0] == 1 && m[59] == 1;
  free(m);
  char *a = aligned_alloc(256, 20); /* inside a bigger block: its end is 20 bytes past a */
  ok = ok && ends_at(a, 20) && malloc_usable_size(a) == 20;
  free(a);
  char *big = malloc((size_t)3 << 20 | 5); /* a large block, a fresh mapping */
  ok = ok && ends_at(big, (size_t)3 << 20 | 5);
  free(big);
  char *r = malloc(100);
  printf("served=%lld exact=%d\n", (long long)served, ok);
  fflush(stdout);
  return r[100]; /* PAST */
}
