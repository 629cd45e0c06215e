/* large_overflow — a 1 MiB block is written one byte past its usable size. Large blocks are
 * usually their own mappings: a guard page (or the mapping's end) right after the block turns
 * the write into a fault; slack or a neighbour there takes it silently.
 * SILENT: the write lands, and freeing the block raises nothing. */
#include "attack.h"

int main(void) {
  unsigned char *p = opaque(malloc(LARGE_SIZE));
  size_t usable = malloc_usable_size(p);
  ((volatile unsigned char *)opaque(p))[usable] = 0x41;
  free(p);
  check_heap(ATTACK_SIZE, "after a write past a 1 MiB block");
  silent("a write at %p, just past a 1 MiB block's %zu usable bytes, went unnoticed", (void *)(p + usable), usable);
}
