/* superslab/chunks — 2 MiB-aligned chunks mapped on demand; how a new chunk is prepared before
 * its first byte is written is the tunable `prepare`:
 *   none           nothing: pages fault in on first touch, so a chunk costs resident memory
 *                  only for the blocks actually carved (the default).
 *   populate       populated at once (MADV_POPULATE_WRITE; one write per page before Linux
 *                  5.14): one syscall instead of 512 page faults on the malloc path, at 2 MiB
 *                  resident per chunk from the start.
 *   huge           advised MADV_HUGEPAGE: a chunk can be one transparent huge page (one TLB
 *                  entry, one fault); needs THP `madvise` or `always`, harmless elsewhere.
 *   huge_populate  both: the huge page is faulted in at once, off the malloc path.
 * The advice must come before the first touch: once a 4 KiB page of the chunk has faulted in,
 * the kernel can no longer give the chunk a huge page. Registry and mappings: the
 * map base (common/hk_superslab_map.h). */

#include "hk_superslab_map.h"

#define HK_SUPERSLAB_PREP_IS(v) (HK_CFG_SUPERSLAB_PREPARE == HK_CFG_SUPERSLAB_PREPARE_##v)

/* The flags of the prepare tunable (a runtime one: HAKMEM_SUPERSLAB_PREPARE). */
static unsigned hk_superslab_prep(void) {
  return (HK_SUPERSLAB_PREP_IS(HUGE) || HK_SUPERSLAB_PREP_IS(HUGE_POPULATE) ? HK_PREP_HUGE : 0u) |
         (HK_SUPERSLAB_PREP_IS(POPULATE) || HK_SUPERSLAB_PREP_IS(HUGE_POPULATE) ? HK_PREP_POPULATE : 0u);
}

static hk_chunk_t *hk_superslab_chunk_new(void) { return hk_superslab_chunk_map(hk_superslab_prep()); }

static int hk_superslab_probe(enum hk_superslab_probe p, int64_t arg, int64_t *out) {
  return hk_superslab_map_probe(p, arg, out, hk_superslab_prep() != 0);
}
