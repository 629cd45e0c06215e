/* double_free_large — double free of a 1 MiB block (its own mapping in most allocators).
 * Goal: the block is cached twice, so two later 1 MiB requests share it.
 * SILENT: two live 1 MiB blocks overlap, or any overlap among small blocks afterwards. */
#include "attack.h"

int main(void) {
  void *p = opaque(malloc(LARGE_SIZE));
  free(p);
  free(opaque(p));
  for (int i = 0; i < 8; i++) take(LARGE_SIZE);
  check_overlap("after free(p); free(p) of 1 MiB");
  check_heap(ATTACK_SIZE, "after free(p); free(p) of 1 MiB");
  intact();
}
