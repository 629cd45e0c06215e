/* remote/direct — every cross-thread free is one CAS onto the owning heap's channel: the block
 * is with its owner at once, nothing is held, and a thread that only frees needs no state. The
 * cost is one contended atomic operation (and its cache-line transfer) per block. */

#include "hk_remote_channel.h"

static void hk_remote_free(hk_heap_t *o, void *p, uint32_t cls) { hk_remote_push(o, hk_remote_lane_of(p), p, p, cls); }
static inline void hk_remote_flush(void) {}

static int hk_remote_probe(enum hk_remote_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_REMOTE_HELD: *out = 0; return 0;
  case HK_PROBE_REMOTE_BATCH: *out = 1; return 0;
  case HK_PROBE_REMOTE_LANES: *out = HK_REMOTE_LANES; return 0;
  }
  return -1;
}
