/* uaf_read_secret — a block holding a secret is freed; a dangling pointer then reads it.
 * Goal: the secret is still there (the allocator neither cleared nor unmapped the block).
 * SILENT: at least 8 of the 64 secret bytes read back unchanged after free. */
#include "attack.h"

int main(void) {
  unsigned char *p = opaque(malloc(ATTACK_SIZE));
  for (size_t k = 0; k < ATTACK_SIZE; k++) p[k] = (unsigned char)(0x80 + k);
  free(p);
  const volatile unsigned char *q = opaque(p);
  size_t same = 0;
  for (size_t k = 0; k < ATTACK_SIZE; k++) same += q[k] == (unsigned char)(0x80 + k);
  if (same >= 8) silent("%zu of %d secret bytes readable after free", same, ATTACK_SIZE);
  intact();
}
