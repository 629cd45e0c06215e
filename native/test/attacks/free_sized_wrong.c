/* free_sized_wrong — C23 free_sized(p, size) with a size far bigger than the block's (1 KiB for
 * a 64-byte block). An allocator that trusts the size to pick the class files the block under
 * 1 KiB blocks, and the next 1 KiB request spills over the live blocks after it.
 * free_sized is resolved at run time; N/A where the allocator (and libc) has none.
 * SILENT: a 1 KiB block, or any block, overlaps a live block afterwards. */
#include "attack.h"

int main(void) {
  void (*free_sized_fn)(void *, size_t) = (void (*)(void *, size_t))dlsym(RTLD_DEFAULT, "free_sized");
  if (!free_sized_fn) not_applicable("no free_sized");
  unsigned char *a, *b;
  neighbours(ATTACK_SIZE, 256, &a, &b);
  unhold(a);
  free_sized_fn(opaque(a), 1024);
  for (int i = 0; i < 256; i++) take(1024);
  check_overlap("after free_sized(p, 1024) of a 64-byte block");
  check_heap(ATTACK_SIZE, "after free_sized(p, 1024) of a 64-byte block");
  intact();
}
