/* double_free_interleaved — [how2heap fastbin_dup] free(a), free(b), free(a): a check that
 * only compares with the last block freed (glibc's fastbin top check) passes.
 * SILENT: two live blocks overlap among up to 4096 allocations of the class. */
#include "attack.h"

int main(void) {
  void *a = opaque(malloc(ATTACK_SIZE)), *b = opaque(malloc(ATTACK_SIZE));
  free(a);
  free(b);
  free(opaque(a));
  check_heap(ATTACK_SIZE, "after free(a); free(b); free(a)");
  intact();
}
