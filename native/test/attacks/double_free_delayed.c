/* double_free_delayed — the second free comes late: between the two frees the program churns
 * the class (thousands of blocks allocated and freed), so the first free has left any thread
 * cache or quarantine, and a check that only looks there is blind.
 * SILENT: two live blocks overlap among up to 4096 allocations of the class. */
#include "attack.h"

static void *churn[HUNT_MAX];

int main(void) {
  void *p = opaque(malloc(ATTACK_SIZE));
  free(p);
  for (int round = 0; round < 4; round++) {
    for (int i = 0; i < HUNT_MAX; i++) churn[i] = malloc(ATTACK_SIZE);
    for (int i = 0; i < HUNT_MAX; i++) free(churn[i]);
  }
  free(opaque(p));
  check_heap(ATTACK_SIZE, "after free(p), churn, free(p)");
  intact();
}
