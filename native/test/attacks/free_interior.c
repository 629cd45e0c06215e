/* free_interior — free of a pointer 16 bytes inside a live block (aligned, so an alignment
 * check passes). Goal: the allocator frees a block that starts inside the live one, and hands
 * it out over the program's data.
 * SILENT: a block among up to 4096 allocations of the class overlaps the live block. */
#include "attack.h"

int main(void) {
  unsigned char *p = take(ATTACK_SIZE);
  memset(p, 0, ATTACK_SIZE);
  free(opaque(p + 16));
  check_heap(ATTACK_SIZE, "after free(p + 16)");
  intact();
}
