/* Slot `front`: the per-thread cache of free blocks per size class — the hot path.
 * Budget: pop = one TLS load, one branch, one load of the link, one store; push = the same
 * plus the limit check. Nothing else: no counters, no locks, no calls.
 * Writes into a free block: at most word 0, and only through hk_link_store (a list links its
 * blocks; an array writes nothing). The rest of a free block is the block slot's (hk_block.h):
 * a front never touches it. */
#ifndef HK_SLOT_FRONT_H
#define HK_SLOT_FRONT_H

#include "hk_prelude.h"
#include "hakmem/hk_block.h"

static inline void *hk_front_pop(uint32_t cls);         /* NULL when empty */
static inline int hk_front_push(uint32_t cls, void *p); /* nonzero when at its limit */
/* Install a NULL-terminated chain of n blocks into the class's cache, which is empty;
 * n <= hk_front_capacity(cls). */
static void hk_front_fill(uint32_t cls, void *head, uint32_t n);
/* Detach up to n blocks as a NULL-terminated chain; returns how many. */
static uint32_t hk_front_take(uint32_t cls, uint32_t n, void **head);
static uint32_t hk_front_count(uint32_t cls);
static uint32_t hk_front_capacity(uint32_t cls);
static void hk_front_thread_init(void); /* limits for this thread */
static void hk_front_thread_exit(void); /* thread exit, after the flush: empty, limits 0 */
/* The slot's probes (hakmem_probe("front", name, ...)): a switch over enum hk_front_probe, generated
 * from the slot list, with one case for every HK_PROBE_FRONT_* and no default (-Werror=switch
 * refuses a box that leaves one out); a probe the box does not answer is a case returning -1.
 * 0 and *out set when answered. Cold: tools, tests and the core's reports. */
static int hk_front_probe(enum hk_front_probe p, int64_t arg, int64_t *out);

#endif
