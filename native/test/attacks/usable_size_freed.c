/* usable_size_freed — malloc_usable_size of a freed block. A program that trusts the answer
 * (to decide how much it may write) then writes into free memory.
 * SILENT: a non-zero size for the freed block; INTACT: 0 (the block is not a live one). */
#include "attack.h"

int main(void) {
  void *p = opaque(malloc(ATTACK_SIZE));
  free(p);
  size_t n = malloc_usable_size(opaque(p));
  if (n) silent("malloc_usable_size of the freed %p is %zu", p, n);
  intact();
}
