/* remote's base `channel` (@hakmem/remote, defineBase): a heap's `remote` word as a lock-free
 * stack of blocks linked through word 0. It defines hk_remote_pending and hk_remote_collect of
 * hk_remote.h and the push below; a box defines how blocks travel to it (hk_remote_free,
 * hk_remote_flush, hk_remote_init, hk_remote_thread_exit, the probe). What it writes into a
 * block: the link (word 0, through hk_link_store). */
#ifndef HK_REMOTE_CHANNEL_H
#define HK_REMOTE_CHANNEL_H

#include "hakmem/hk_remote.h"

/* Hand the chain first..last of class cls (linked; last's link is the base's to write) to o:
 * one release CAS, retried while other senders win (stats event remote_atomics). */
static inline void hk_remote_push(hk_heap_t *o, void *first, void *last, uint32_t cls);

#endif
