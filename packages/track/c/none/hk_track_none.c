/* track/none — no memory checker is told anything: every call is empty and compiles to
 * nothing, so the variant's code is the same as without the slot (FAST_PATH budget: zero
 * instructions on the malloc hit and the local free). */

#include "hakmem/hk_track.h"

static inline void hk_track_malloc(void *p, size_t size, size_t req, int zeroed) {}
static inline void hk_track_resize(void *p, size_t size, size_t old, size_t req) {}
static inline size_t hk_track_requested(const void *p, size_t size) { return size; }
static inline size_t hk_track_floor(void) { return 0; }
static inline void hk_track_free(void *p, size_t size) {}
static inline void hk_track_open(const void *p, size_t n) {}
static inline void hk_track_close(const void *p, size_t n) {}
static inline void hk_track_unused(const void *p, size_t n) {}
static inline int hk_track_sizes(void) { return 0; }

static int hk_track_probe(enum hk_track_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_TRACK_KIND:
  case HK_PROBE_TRACK_RUNNING: *out = 0; return 0;
  }
  return -1;
}
