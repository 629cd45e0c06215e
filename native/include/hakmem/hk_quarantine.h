/* Slot `quarantine`: when a block its owner frees may be handed out again. A use after free
 * that writes into a block already reused by someone else corrupts that someone; a quarantine
 * keeps freed blocks out of reach for a while, so the write lands in memory nobody uses, and the
 * block box can check, when the block leaves, that nothing was written into it.
 *
 * The core's local free (hk_free.c), once the block slot recorded the block free, hands it to
 * hk_quarantine_put instead of the front when hk_quarantine_on() says so (a constant: `none`
 * compiles the call away). A box lets a block go by calling the core's hk_free_release(p),
 * which shows it to the block slot (hk_block_leaves_quarantine) and pushes it onto the calling
 * thread's front. Blocks another thread frees go to their owner as always (their transit
 * already delays them), and large blocks are not quarantined (their mappings are unmapped or
 * guarded by the large slot).
 *
 * A box holds blocks per thread, bounded by its tunables; every held block still counts as
 * used in its slab, so nothing it lives in goes back to the pool or the OS. The core calls
 * hk_quarantine_flush at thread exit (before the thread's cache goes back to its heap) and on
 * malloc_trim. A box writes into no block. */
#ifndef HK_SLOT_QUARANTINE_H
#define HK_SLOT_QUARANTINE_H

#include "hk_prelude.h"
#include "hakmem/hk_block.h"

/* 1 when freed blocks go through hk_quarantine_put. */
static inline int hk_quarantine_on(void);
/* p, a block of the calling thread's heap of usable size `size`, was freed and recorded free. */
static inline void hk_quarantine_put(void *p, uint32_t size);
/* Blocks of class cls the calling thread holds (introspection: they are not in use). */
static uint32_t hk_quarantine_held(uint32_t cls);
/* Every block the calling thread holds goes through hk_free_release now. */
static void hk_quarantine_flush(void);
/* Optional hooks (hk_quarantine_thread_init): a box with nothing to do there leaves them out,
 * and the composer defines them empty (`optional` in native/src/slots.ts). */
static void hk_quarantine_thread_init(void); /* a thread's first allocation: its random seed */
/* The slot's probes (hakmem_probe("quarantine", name, ...)): a switch over enum hk_quarantine_probe, generated
 * from the slot list, with one case for every HK_PROBE_QUARANTINE_* and no default (-Werror=switch
 * refuses a box that leaves one out); a probe the box does not answer is a case returning -1.
 * 0 and *out set when answered. Cold: tools, tests and the core's reports. */
static int hk_quarantine_probe(enum hk_quarantine_probe p, int64_t arg, int64_t *out);

#endif
