/* overflow_small — 8 bytes written just past malloc_usable_size of a live block (into its
 * neighbour, or the neighbour's header), then the block and its neighbour are freed and the
 * class is used again. Goal: nobody notices; an allocator with canaries or checksummed headers
 * stops the process at the free.
 * SILENT: the process goes on after the frees; any overlap afterwards is reported the same way. */
#include "attack.h"

int main(void) {
  unsigned char *a, *b;
  neighbours(ATTACK_SIZE, 256, &a, &b);
  size_t usable = malloc_usable_size(a);
  memset(opaque(a + usable), 0x41, 8);
  unhold(a);
  free(a);
  unhold(b);
  free(b);
  check_heap(ATTACK_SIZE, "after an 8-byte overflow");
  silent("an 8-byte write past the usable size of %p (%zu bytes) went unnoticed", (void *)a, usable);
}
