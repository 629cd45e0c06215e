/* interior_tag_forge — free of a pointer 64 bytes inside a live 256-byte block whose first
 * word the program (the attacker) chose: hakmem serves over-aligned blocks from inside bigger
 * ones and frees such a pointer through its container when the container's first word holds
 * the pointer's tag; its fast block box derives the tag from a fixed, public key
 * (packages/block/c/fast: mark = q ^ 0x686b6d656d667265, tag = mark ^ 0x21676e696c61686b), the
 * checked and hardened boxes from a secret one. Other allocators see a free of an interior pointer after
 * ordinary data. Goal: the live container is freed and handed out again while still in use.
 * SILENT: a block among up to 4096 allocations of 256 bytes overlaps the live container. */
#include "attack.h"

int main(void) {
  uintptr_t *p = take(256);
  memset(p, 0, 256);
  unsigned char *q = (unsigned char *)p + 64;
  p[0] = (uintptr_t)q ^ 0x686b6d656d667265u ^ 0x21676e696c61686bu;
  free(opaque(q));
  hunt_for(256, HUNT_MAX, NULL, 0);
  check_overlap("after free(p + 64) with a forged tag in p");
  intact();
}
