/* superslab's base `map` (@hakmem/superslab, defineBase): the chunk registry (a bitmap, one
 * bit per 2 MiB of the 47-bit user address space), the mappings of chunks and large blocks,
 * the start-up reserve and the common probes. It defines every function of hk_superslab.h
 * except hk_superslab_chunk_new and hk_superslab_probe, which the box defines: how a new chunk
 * is prepared (usually hk_superslab_chunk_map(<flags>)) and its probe (usually
 * hk_superslab_map_probe). It reads the tunable HK_CFG_SUPERSLAB_RESERVE_CHUNKS. It writes
 * only chunk headers (magic), never a block. */
#ifndef HK_SUPERSLAB_MAP_H
#define HK_SUPERSLAB_MAP_H

#include "hakmem/hk_superslab.h"

/* How a new chunk is prepared before its first touch (flags for hk_superslab_chunk_map). */
enum { HK_PREP_HUGE = 1, HK_PREP_POPULATE = 2 };

/* A fresh registered chunk, prepared as `prep` says; NULL when the OS refuses. */
static hk_chunk_t *hk_superslab_chunk_map(unsigned prep);
/* Every probe of the slot: chunk_of, chunks, unmapped, slab_class, and `prepared` where
 * prepares != 0 (-1 where it is 0). */
static int hk_superslab_map_probe(enum hk_superslab_probe p, int64_t arg, int64_t *out, int prepares);

#endif
