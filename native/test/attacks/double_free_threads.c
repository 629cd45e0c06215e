/* double_free_threads — a block allocated by the main thread is freed by thread A, then, after
 * A has exited, freed again by thread B: the two frees travel to the owner's heap by the
 * cross-thread path, where a per-thread check (a thread cache's own list) never sees both.
 * SILENT: two live blocks overlap among up to 4096 allocations of the class (by the owner). */
#include "attack.h"
#include <pthread.h>

static void *release(void *p) {
  free(opaque(p));
  return NULL;
}

static void in_thread(void *p) {
  pthread_t t;
  if (pthread_create(&t, NULL, release, p) || pthread_join(t, NULL)) setup_failed("pthread_create failed");
}

int main(void) {
  void *p = opaque(malloc(ATTACK_SIZE));
  in_thread(p);
  in_thread(p);
  check_heap(ATTACK_SIZE, "after free(p) in thread A, then in thread B");
  intact();
}
