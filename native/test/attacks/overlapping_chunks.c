/* overlapping_chunks — [how2heap overlapping_chunks] an overflow from block a rewrites the
 * 8 bytes in front of its neighbour b — glibc's size field of b — to claim b is 16 strides long
 * (glibc's in-use bit kept), then b is freed and a request of that size is made. Goal: the
 * allocator trusts the forged size and hands out a block covering the live blocks after b.
 * In an allocator without in-band headers those 8 bytes are a's own data, and nothing follows.
 * SILENT: a block of the forged size overlaps a live block. */
#include "attack.h"

#define SPAN 16

int main(void) {
  unsigned char *a, *b;
  size_t stride = neighbours(ATTACK_SIZE, 512, &a, &b);
  for (size_t k = 1; k <= SPAN; k++) { /* the blocks the forged size covers, and the one after */
    size_t i = 0;
    while (i < held_count && held[i].p != b + k * stride) i++;
    if (i == held_count) not_applicable("no run of %d adjacent blocks to cover (stride %zu)", SPAN, stride);
  }
  *(volatile size_t *)opaque(b - 8) = SPAN * stride | 1;
  unhold(b);
  free(b);
  for (int i = 0; i < 64; i++) take(SPAN * stride - 16);
  check_overlap("after forging the size in front of a freed neighbour");
  intact();
}
