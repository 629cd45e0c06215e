/* large_reuse_secret — a 1 MiB block full of a secret is freed and 1 MiB is requested again
 * (by another part of the program, say). Goal: the new block shows the old secret, because
 * the allocator cached the mapping and handed it out uncleared (malloc need not zero; this
 * measures what leaks between owners of large blocks).
 * SILENT: at least one page's worth of the secret shows in the new block. */
#include "attack.h"

int main(void) {
  unsigned char *p = opaque(malloc(LARGE_SIZE));
  memset(p, 0x5a, LARGE_SIZE);
  free(p);
  const volatile unsigned char *q = opaque(malloc(LARGE_SIZE));
  if (!q) setup_failed("malloc(1 MiB) returned NULL");
  size_t seen = 0;
  for (size_t k = 0; k < LARGE_SIZE; k++) seen += q[k] == 0x5a;
  if (seen >= 4096) silent("%zu bytes of the freed 1 MiB secret show in the new block %p", seen, (const void *)q);
  intact();
}
