/* calloc_reuse — memory freed dirty comes back through calloc: a 64-byte block written after
 * its free (bytes 16.., past the allocator's link words) and a 1 MiB block full of a secret.
 * calloc must return zeroes whatever path (thread cache, cached mapping) serves it. Goal: an
 * allocator that skips the clearing for memory it believes clean leaks the old bytes.
 * SILENT: a calloc'd block holds a non-zero byte. */
#include "attack.h"

static void expect_zero(const unsigned char *r, size_t n, const char *what) {
  for (size_t k = 0; k < n; k++)
    if (r[k]) silent("calloc(%s) returned %p with byte %zu = 0x%02x", what, (const void *)r, k, r[k]);
}

int main(void) {
  unsigned char *p = opaque(malloc(ATTACK_SIZE));
  free(p);
  memset(opaque(p + 16), 0xa5, ATTACK_SIZE - 16);
  for (size_t i = 0; i < HUNT_MAX; i++) {
    unsigned char *r = calloc(1, ATTACK_SIZE);
    if (!r) setup_failed("calloc returned NULL");
    hold(r, ATTACK_SIZE);
    expect_zero(r, ATTACK_SIZE, "64");
  }
  unsigned char *big = opaque(malloc(LARGE_SIZE));
  memset(big, 0xa5, LARGE_SIZE);
  free(big);
  unsigned char *r = calloc(1, LARGE_SIZE);
  if (!r) setup_failed("calloc(1 MiB) returned NULL");
  expect_zero(r, LARGE_SIZE, "1 MiB");
  intact();
}
