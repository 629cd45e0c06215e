/* double_free_key — [how2heap tcache key bypass] double free after the second word of the
 * freed block was overwritten: glibc keeps its tcache key there, hakmem its free mark, and both
 * read it to spot a second free. The first word (the free-list link) is left alone.
 * SILENT: two live blocks overlap among up to 4096 allocations of the class. */
#include "attack.h"

int main(void) {
  uintptr_t *p = opaque(malloc(ATTACK_SIZE));
  free(p);
  ((volatile uintptr_t *)opaque(p))[1] = 0x4141414141414141u;
  free(opaque(p));
  check_heap(ATTACK_SIZE, "after free(p); p[1] = junk; free(p)");
  intact();
}
