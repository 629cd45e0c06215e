/* tcache_poisoning — [how2heap tcache_poisoning] a use after free overwrites the first word of
 * the last freed block (where free lists keep their link) with the address of a global buffer. Goal:
 * malloc follows the forged link and hands out the global, an address the attacker chose.
 * The pointer is written raw: an allocator that encodes its links with a secret (hakmem's
 * checked gate, glibc's safe-linking) should refuse it.
 * SILENT: malloc returns an address inside the global within 4096 allocations. */
#include "attack.h"

static unsigned char target[256] __attribute__((aligned(64)));

int main(void) {
  void *first = opaque(malloc(ATTACK_SIZE)), **p = opaque(malloc(ATTACK_SIZE));
  free(first); /* a list that counts its blocks (glibc's tcache) follows the forged link only if p is not last */
  free(p);
  *(void *volatile *)opaque(p) = target + 64;
  void *r = hunt_for(ATTACK_SIZE, HUNT_MAX, target, sizeof target);
  if (r) silent("malloc returned %p, inside the global target %p", r, (void *)target);
  check_heap(ATTACK_SIZE, "after poisoning a free link");
  intact();
}
