/* freegate's base `routing` (@hakmem/freegate, defineBase): where free(p) goes. Three tests
 * reach the owner's cache: is p's chunk registered, does the calling thread own p's slab, does
 * p start a block without the free mark. Another heap's block takes the same checks and the
 * mark, then goes to the remote slot; a large block to the large slot; anything else (NULL,
 * foreign, interior, double free) to the invalid-free policy, and nothing is written for it.
 *
 * The base defines hk_freegate_free, hk_freegate_classify, hk_freegate_interior_tag,
 * hk_freegate_interior_base, hk_freegate_invalid, hk_freegate_invalid_realloc and
 * hk_freegate_probe. A box defines the block encoding: hk_link_store, hk_link_load,
 * hk_freegate_mark, hk_freegate_on_alloc, and hk_freegate_init. The base reads the tunable
 * HK_CFG_FREEGATE_ON_FOREIGN (report or abort; a box may change its default).
 * What the base writes into a block: word 1, the free mark, on every valid free, after
 * hk_track_free and between hk_track_open and hk_track_close (the track slot). */
#ifndef HK_FREEGATE_ROUTING_H
#define HK_FREEGATE_ROUTING_H

#include "hakmem/hk_freegate.h"

#endif
