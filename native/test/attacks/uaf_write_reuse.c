/* uaf_write_reuse — [how2heap use after free] the program writes into a block after freeing it
 * (bytes 16.., past the two words allocators keep in a free block). Goal: the data reaches the
 * next owner of the block: malloc hands out a block that already holds the attacker's bytes.
 * SILENT: a block among up to 4096 allocations of the class holds the pattern when handed out. */
#include "attack.h"

static int has_pattern(const unsigned char *r) {
  for (size_t k = 16; k < ATTACK_SIZE; k++)
    if (r[k] != 0xc3) return 0;
  return 1;
}

int main(void) {
  unsigned char *p = opaque(malloc(ATTACK_SIZE));
  free(p);
  memset(opaque(p + 16), 0xc3, ATTACK_SIZE - 16);
  for (size_t i = 0; i < HUNT_MAX; i++) {
    unsigned char *r = take(ATTACK_SIZE);
    if (has_pattern(r)) silent("malloc handed out %p holding bytes written after its free", (void *)r);
  }
  check_overlap("after a write to a freed block");
  intact();
}
