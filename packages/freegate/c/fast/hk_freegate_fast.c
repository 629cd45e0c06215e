/* freegate/fast — the release gate: links are plain pointers and the free mark is the block's
 * address under a fixed key, so the checks cost a few instructions and no load of a secret.
 * Invalid frees follow onForeign (default: report the first, ignore the rest). */

#include "hk_freegate_routing.h"

#define HK_FREEGATE_MARK_KEY 0x686b6d656d667265ull /* fixed: "hkmemfre" */

/* A link lives in a free block: open for a checker around the access (nothing under track/none). */
static inline void hk_link_store(void *p, void *next) {
  hk_track_open(p, sizeof next);
  *(void **)p = next;
  hk_track_close(p, sizeof next);
}
static inline void *hk_link_load(const void *p) {
  hk_track_open(p, sizeof(void *));
  void *next = *(void *const *)p;
  hk_track_close(p, sizeof next);
  return next;
}
static inline uintptr_t hk_freegate_mark(const void *p) { return (uintptr_t)p ^ HK_FREEGATE_MARK_KEY; }
static inline void hk_freegate_on_alloc(void *p) { ((uintptr_t *)p)[1] = 0; }
static void hk_freegate_init(void) {}
