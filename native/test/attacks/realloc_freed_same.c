/* realloc_freed_same — realloc of a freed block to a size it already holds: an allocator that
 * takes the block for live returns it in place, so the program holds a block that is also on a
 * free list.
 * SILENT: realloc's result and the blocks handed out afterwards overlap. */
#include "attack.h"

int main(void) {
  void *p = opaque(malloc(ATTACK_SIZE));
  free(p);
  void *q = realloc(opaque(p), ATTACK_SIZE - 8);
  if (q) hold(q, ATTACK_SIZE - 8);
  check_heap(ATTACK_SIZE, "after realloc(freed p, 56)");
  intact();
}
