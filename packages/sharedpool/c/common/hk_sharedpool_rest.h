/* sharedpool's base `rest` (@hakmem/sharedpool, defineBase): where a slab or chunk comes from
 * when a heap needs one and what happens to one that comes to rest (resident or cold lists,
 * stamps, the purge of old resting memory, the release of chunks that rest whole). It defines
 * hk_pool_take_slab, hk_pool_take_chunk, hk_pool_give_slab, hk_pool_give_chunk and
 * hk_pool_purge of hk_sharedpool.h. A box defines the four lists — the functions below — plus
 * hk_sharedpool_init, the fork hooks and the probe; its hk_sharedpool_reset_locks calls
 * hk_pool_rest_fork_child. A list is a chain of ids (hk_slab_id, or
 * a chunk's number for the chunk lists) linked through each one's pool_next word, which the
 * box reads and writes with hk_pool_next / hk_pool_set_next (atomic: a stale reader of a
 * lock-free list may load it at any time). The base writes into no block. */
#ifndef HK_SHAREDPOOL_REST_H
#define HK_SHAREDPOOL_REST_H

#include "hakmem/hk_sharedpool.h"

enum { HK_POOL_SLABS, HK_POOL_SLABS_COLD, HK_POOL_CHUNKS, HK_POOL_CHUNKS_COLD, HK_POOL_LISTS };

/* The box's lists. */
static uint32_t hk_pool_pop(int list); /* an id, or 0 */
/* the chain first..last of n ids, already linked through hk_pool_set_next (last's link is set by the box) */
static void hk_pool_push(int list, uint32_t first, uint32_t last, int64_t n);
static uint32_t hk_pool_take_all(int list); /* the whole list as a chain (0: empty) */
static int64_t hk_pool_count(int list);     /* an estimate, read without a lock */
/* What was taken off the lists may be unmapped: no reader still holds one of its ids (1), or
 * readers kept coming (0: the caller lists it again). */
static int hk_pool_quiesce(void);

/* The base's helpers for the box. */
static uint32_t hk_pool_next(int list, uint32_t id);
static void hk_pool_set_next(int list, uint32_t id, uint32_t next);
static int64_t hk_pool_resident_slabs(void); /* resident resting slabs, a chunk counting as 32 */
static int64_t hk_pool_parked_chunks(void);  /* resident whole chunks parked by class (not on a list) */
static void hk_pool_rest_fork_child(void);   /* the base's state in a fork child (no other thread) */

#endif
