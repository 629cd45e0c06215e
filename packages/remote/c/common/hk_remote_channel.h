/* remote's base `channel` (@hakmem/remote, defineBase): a heap's `remote` words, HK_REMOTE_LANES
 * lock-free stacks of blocks linked through word 0. It defines hk_remote_pending and
 * hk_remote_collect of hk_remote.h and the push below; a box defines how blocks travel to it
 * (hk_remote_free, hk_remote_flush, hk_remote_init, hk_remote_thread_exit, the probe) and
 * spreads them over the lanes (any lane is correct; spread lanes make the owner's walk faster).
 * What it writes into a block: the link (word 0, through hk_link_store). */
#ifndef HK_REMOTE_CHANNEL_H
#define HK_REMOTE_CHANNEL_H

#include "hakmem/hk_remote.h"

/* Hand the chain first..last of class cls (linked; last's link is the base's to write) to o's
 * lane (below HK_REMOTE_LANES): one release CAS, retried while other senders win (stats event
 * remote_atomics). */
static inline void hk_remote_push(hk_heap_t *o, uint32_t lane, void *first, void *last, uint32_t cls);
/* A lane for a single block p, from its address (no state). */
static inline uint32_t hk_remote_lane_of(const void *p);

#endif
