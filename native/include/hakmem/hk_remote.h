/* Slot `remote`: the cross-thread free protocol. A block freed by a thread that does not own
 * its slab is handed to the owning heap (hk_remote_free); the owner takes what was handed to
 * it at its next refill (hk_remote_collect, under its heap's lock), and whoever trims the heap
 * of an exited thread does the same. A box decides how blocks travel: one atomic operation per
 * block, or gathered per destination and handed over a batch at a time.
 *
 * The channel is the heap's `remote` words (hk_layout.h): HK_REMOTE_LANES lock-free stacks of
 * blocks linked through their first word, pushed with a release CAS and taken whole with an
 * acquire exchange. Only this slot touches it (remote/common). A box may call hk_link_store,
 * hk_link_load, hk_refill_put_returned (in collect only: the owner's lock is held), hk_stats_count and
 * hk_stats_time; the only write it makes into a block is the link (word 0). The core has
 * validated the block and the block slot has recorded it free (hk_block_retire_remote) before
 * it is handed over, so a second free of a block that waits in a thread's batch is still
 * reported as a double free.
 *
 * Blocks a box holds back are still counted as in use by their slab, so the slab (and its
 * chunk) cannot go back to the pool or the OS while they wait: holding is always safe, and is
 * bounded by the box's tunables. Nothing here runs on the malloc hit or the local free. */
#ifndef HK_SLOT_REMOTE_H
#define HK_SLOT_REMOTE_H

#include "hk_prelude.h"
#include "hakmem/hk_block.h"
#include "hakmem/hk_refill.h"
#include "hakmem/hk_stats.h"

/* p, a live block of class cls in a slab that o owns, was freed by another thread; the gate
 * has recorded it free (hk_block_retire_remote). No lock is held. */
static void hk_remote_free(hk_heap_t *o, void *p, uint32_t cls);
/* Blocks wait in h's channel (a relaxed read: a hint for the refill and the orphan trim). */
static inline int hk_remote_pending(hk_heap_t *h);
/* h's lock is held: every block handed to h goes to hk_refill_put_returned(h, p, owner), one at
 * a time (owner: the caller is h's thread on its miss, passed through). */
static void hk_remote_collect(hk_heap_t *h, int owner);
/* The calling thread's held blocks go to their owners now. Called on every malloc miss before
 * the refill and by trim; no lock is held. A box that holds nothing makes it empty. */
static inline void hk_remote_flush(void);
/* Optional hooks (hk_remote_init, hk_remote_thread_exit): a box with nothing to do there leaves
 * them out, and the composer defines them empty (`optional` in native/src/slots.ts). */
static void hk_remote_init(void);        /* start-up: no allocation */
static void hk_remote_thread_exit(void); /* the exiting thread's held blocks go to their owners */
/* The slot's probes (hakmem_probe("remote", name, ...)): a switch over enum hk_remote_probe, generated
 * from the slot list, with one case for every HK_PROBE_REMOTE_* and no default (-Werror=switch
 * refuses a box that leaves one out); a probe the box does not answer is a case returning -1.
 * 0 and *out set when answered. Cold: tools, tests and the core's reports. */
static int hk_remote_probe(enum hk_remote_probe p, int64_t arg, int64_t *out);

#endif
