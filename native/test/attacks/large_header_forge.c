/* large_header_forge — [how2heap mmap_overlapping_chunks] an underflow from a 1 MiB block
 * rewrites the length the allocator recorded for the block's mapping, so that it also covers
 * a mapping the program made right after it; then the block is freed and malloc_trim(0) asks
 * for idle memory back. Goal: the allocator unmaps (or discards the pages of) memory it does
 * not own.
 * Where the length lives is allocator-specific:
 *  - hakmem: hk_large_rec_t {map_len, size, offset} in the chunk header at p & ~(2 MiB - 1)
 *    (packages/large/c/common/hk_large_mappings.h, native/base/hk_layout.h), found by its
 *    size and offset fields, so no offset is hard-coded;
 *  - peers: glibc's chunk size word at p - 8 (counted from p - 16, IS_MMAPPED in bit 1) when
 *    the word there or at p - 16 looks like the block's length (that word is rewritten); otherwise the forged size is
 *    written blind at p - 8, as an attacker assuming glibc's layout would.
 * SILENT: the program's own mapping is gone (msync: ENOMEM) or its contents changed. */
#include "attack.h"

#define VICTIM     ((size_t)64 << 10)
#define CHUNK      ((uintptr_t)2 << 20)
#define PAGE_UP(x) (((uintptr_t)(x) + 4095) & ~(uintptr_t)4095)

/* The program's mapping at exactly `at`: `ahead` if it is there (mapped before the block: the
 * kernel maps top-down, so a block mapped next often ends right below it), else a new one;
 * NULL if something else is there. Filled with 1s. */
static unsigned char *map_at(uintptr_t at, unsigned char *ahead) {
  void *v = ahead;
  if (at != (uintptr_t)ahead) {
    v = mmap((void *)at, VICTIM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (v == MAP_FAILED) return NULL;
    if ((uintptr_t)v != at) { /* a kernel before 4.17 treats the flag as a hint */
      munmap(v, VICTIM);
      return NULL;
    }
  }
  memset(v, 1, VICTIM);
  return v;
}

/* hakmem: the record's map_len word, found in the chunk header page. */
static size_t *hakmem_map_len(const unsigned char *p, uintptr_t *base, uintptr_t *end) {
  uintptr_t ch = (uintptr_t)p & ~(CHUNK - 1);
  size_t usable = malloc_usable_size((void *)p), *w = (size_t *)ch;
  for (size_t i = 0; i + 2 < 4096 / sizeof(size_t); i++)
    if (w[i + 1] == usable && w[i + 2] == (size_t)((uintptr_t)p - ch) && w[i] >= usable) {
      *base = ch;
      *end = ch + w[i];
      return &w[i];
    }
  setup_failed("no large-block record in the chunk header at %p", (void *)ch);
}

/* peers: a size word in front of the block that looks like its length, else p - 8; the
 * length counts from the chunk at p - 16, as glibc's does. */
static size_t *peer_size_word(const unsigned char *p, uintptr_t *base, uintptr_t *end, size_t usable) {
  *base = (uintptr_t)p - 16;
  for (size_t off = 8; off <= 16; off += 8) {
    size_t *w = (size_t *)(p - off), len = *w & ~(size_t)15;
    if (len >= usable && len <= usable + VICTIM) {
      *end = (uintptr_t)p - 16 + len;
      return w;
    }
  }
  *end = PAGE_UP(p + usable);
  return (size_t *)(p - 8);
}

int main(void) {
  unsigned char *ahead = mmap(NULL, VICTIM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ahead == MAP_FAILED) setup_failed("mmap");
  unsigned char *p = opaque(malloc(LARGE_SIZE));
  size_t usable = malloc_usable_size(p);
  uintptr_t base, end;
  size_t *len = hakmem_serves() ? hakmem_map_len(p, &base, &end) : peer_size_word(p, &base, &end, usable);
  unsigned char *victim = map_at(PAGE_UP(end), ahead);
  if (!victim) not_applicable("the allocator's own memory follows the block at %p: no room to map there", (void *)end);
  size_t forged = (size_t)((uintptr_t)victim + VICTIM - base);
  if (!hakmem_serves()) forged |= 2; /* glibc: IS_MMAPPED */
  *(volatile size_t *)len = forged;
  free(p);
  malloc_trim(0);
  if (!mapped(victim, VICTIM))
    silent("free of the forged block unmapped the program's own mapping at %p", (void *)victim);
  for (size_t k = 0; k < VICTIM; k++)
    if (victim[k] != 1) silent("free of the forged block discarded the program's pages at %p", (void *)victim);
  intact();
}
