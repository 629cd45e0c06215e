/* freegate/checked — the hardened gate: every free-list link is stored encoded with a secret
 * key and its own address, and every link read back is checked to decode to NULL or to an
 * aligned address inside a registered chunk, so a use-after-free write or an overflow into a
 * free block is caught before the allocator follows it. The free mark uses the secret key too.
 * Invalid frees follow onForeign, which defaults to abort with the problem and the address. */

#include "hk_freegate_routing.h"

static uintptr_t hk_freegate_key;

static void hk_freegate_init(void) {
  hk_freegate_key = (uintptr_t)hk_os_random() | 1; /* never zero: an all-zero word never decodes to itself */
}

/* A link lives in a free block: open for a checker around the access (nothing under track/none). */
static inline void hk_link_store(void *p, void *next) {
  hk_track_open(p, sizeof next);
  *(uintptr_t *)p = (uintptr_t)next ^ hk_freegate_key ^ ((uintptr_t)p >> 4);
  hk_track_close(p, sizeof next);
}

static HK_COLD void hk_freegate_link_corrupt(const void *p) {
  hk_os_fatal("free list corrupted (a freed block was written: use after free or overflow) at", p);
}

static inline void *hk_link_load(const void *p) {
  hk_track_open(p, sizeof(void *));
  uintptr_t next = *(const uintptr_t *)p ^ hk_freegate_key ^ ((uintptr_t)p >> 4);
  hk_track_close(p, sizeof(void *));
  if (HK_UNLIKELY(next && ((next & 15) || !hk_registry_contains(next)))) hk_freegate_link_corrupt(p);
  return (void *)next;
}

static inline uintptr_t hk_freegate_mark(const void *p) { return (uintptr_t)p ^ ~hk_freegate_key; }
static inline void hk_freegate_on_alloc(void *p) { ((uintptr_t *)p)[1] = 0; }
