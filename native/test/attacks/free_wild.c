/* free_wild — free of a wild pointer: an address in a page that is not mapped at all (mapped,
 * then unmapped by the program, so nothing else can be there). An allocator that reads a header
 * in front of the pointer faults; one that looks the address up first refuses it.
 * SILENT: malloc hands out the wild address, or two live blocks overlap afterwards. */
#include "attack.h"

int main(void) {
  unsigned char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED || munmap(page, 4096)) setup_failed("mmap/munmap");
  free(opaque(page + 64));
  void *r = hunt_for(ATTACK_SIZE, HUNT_MAX, page, 4096);
  if (r) silent("malloc returned %p, the wild address", r);
  check_heap(ATTACK_SIZE, "after free of a wild pointer");
  intact();
}
