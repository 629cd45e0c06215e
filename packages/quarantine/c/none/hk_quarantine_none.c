/* quarantine/none — a freed block goes straight back to the front: reuse is immediate and the
 * local free pays nothing (hk_quarantine_on() is a constant 0, so the core never calls put). */

#include "hakmem/hk_quarantine.h"

static inline int hk_quarantine_on(void) { return 0; }
static inline void hk_quarantine_put(void *p, uint32_t size) {
  (void)size;
  hk_free_release(p);
}
static uint32_t hk_quarantine_held(uint32_t cls) {
  (void)cls;
  return 0;
}
static void hk_quarantine_flush(void) {}

static int hk_quarantine_probe(enum hk_quarantine_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_QUARANTINE_HELD:
  case HK_PROBE_QUARANTINE_HELD_BYTES: *out = 0; return 0;
  }
  return -1;
}
