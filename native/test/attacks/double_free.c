/* double_free — [how2heap tcache double free / fastbin_dup, plain]
 * The attacker frees the same block twice in a row. Goal: the block sits twice on a free list,
 * so two later mallocs hand out the same memory while both are live.
 * SILENT: two live blocks overlap among up to 4096 allocations of the class. */
#include "attack.h"

int main(void) {
  void *p = opaque(malloc(ATTACK_SIZE));
  free(p);
  free(opaque(p));
  check_heap(ATTACK_SIZE, "after free(p); free(p)");
  intact();
}
