/* bitflip_link — one bit of a freed block's first word flips (a stray write, a Rowhammer-style
 * fault). Bit 4 is chosen: the word stays 16-byte aligned, so an alignment check alone cannot
 * see it, and a plain link now points 16 bytes into another block.
 * SILENT: malloc hands out a block that overlaps another live one, or a misaligned pointer,
 * within 4096 allocations (the blocks are never written, so a wild pointer cannot crash us). */
#include "attack.h"

#define FREED 16

int main(void) {
  unsigned char *b[FREED];
  for (int i = 0; i < FREED; i++) b[i] = calloc(1, ATTACK_SIZE); /* zeroed: a link read from one ends the list */
  for (int i = 0; i < FREED; i++) free(b[i]);
  volatile uintptr_t *w = opaque(b[FREED - 1]);
  *w ^= (uintptr_t)1 << 4;
  for (size_t i = 0; i < HUNT_MAX; i++) {
    unsigned char *r = malloc(ATTACK_SIZE);
    if (!r) break;
    if ((uintptr_t)r & 15) silent("malloc returned the misaligned pointer %p", (void *)r);
    hold(r, ATTACK_SIZE);
  }
  check_overlap("after a bit flip in a free link");
  intact();
}
