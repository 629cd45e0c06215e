/* sampler/none — no heap profile: every hook is empty and compiles to nothing, so the variant's
 * code is the same as without the slot (FAST_PATH budget: zero instructions on the malloc hit
 * and the local free). hakmem_profile_dump fails with ENOTSUP and writes nothing. */

#include "hakmem/hk_sampler.h"

static inline void hk_sampler_alloc(void *p, size_t size) {}
static inline void hk_sampler_free(void *p) {}
static int hk_sampler_dump(const char *path, const char *reason) {
  errno = ENOTSUP;
  return -1;
}

static int hk_sampler_probe(enum hk_sampler_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_SAMPLER_SAMPLES:
  case HK_PROBE_SAMPLER_LIVE:
  case HK_PROBE_SAMPLER_STACKS:
  case HK_PROBE_SAMPLER_DROPPED:
  case HK_PROBE_SAMPLER_SAMPLE_BYTES: *out = 0; return 0;
  }
  return -1;
}
