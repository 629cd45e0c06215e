/* realloc_freed_grow — realloc of a freed block to a bigger size: an allocator that takes the
 * block for live copies it and frees it a second time (a double free through realloc).
 * SILENT: realloc's result or the blocks handed out afterwards overlap a live block. */
#include "attack.h"

int main(void) {
  void *p = opaque(malloc(ATTACK_SIZE));
  free(p);
  void *q = realloc(opaque(p), 4 * ATTACK_SIZE);
  if (q) hold(q, 4 * ATTACK_SIZE);
  check_heap(ATTACK_SIZE, "after realloc(freed p, 256)");
  intact();
}
