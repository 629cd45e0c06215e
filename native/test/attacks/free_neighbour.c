/* free_neighbour — free of a block start that was never handed out: the neighbour past the
 * highest of 64 live blocks (stride inferred from their addresses). It is a plausible block
 * (right class, right alignment, inside the allocator's memory), so checks of the address alone
 * pass. Goal: the allocator takes it in, and later hands it out twice (once from the free list,
 * once when it carves that block for real) or while it overlaps a live block.
 * SILENT: two live blocks overlap among up to 4096 allocations of the class. */
#include "attack.h"

int main(void) {
  unsigned char *lo, *hi;
  size_t stride = neighbours(ATTACK_SIZE, 64, &lo, &hi);
  unsigned char *top = held[0].p;
  for (size_t i = 1; i < held_count; i++)
    if (held[i].p > top) top = held[i].p;
  free(opaque(top + stride));
  check_heap(ATTACK_SIZE, "after freeing a block never handed out");
  intact();
}
