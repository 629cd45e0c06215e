/* double_free_zeroed — double free after the program cleared the freed block (memset of the
 * whole block, as a use after free would): any free-list link and any mark the allocator kept
 * inside the block are gone before the second free.
 * SILENT: two live blocks overlap among up to 4096 allocations of the class. */
#include "attack.h"

int main(void) {
  unsigned char *p = opaque(malloc(ATTACK_SIZE));
  free(p);
  memset(opaque(p), 0, ATTACK_SIZE);
  free(opaque(p));
  check_heap(ATTACK_SIZE, "after free(p); memset(p, 0); free(p)");
  intact();
}
