/* Slot `superslab`: 2 MiB-aligned chunks from the OS and the registry that answers "is this
 * address ours" from a bitmap, without touching the address and without a syscall. */
#ifndef HK_SLOT_SUPERSLAB_H
#define HK_SLOT_SUPERSLAB_H

#include "hk_prelude.h"
#include "hakmem/hk_track.h"
#include "hakmem/hk_purge.h"
#include "hakmem/hk_stats.h"

/* Hot: is a (possibly foreign, possibly NULL) address inside a registered chunk? */
static inline int hk_registry_contains(uintptr_t a);

/* A fresh chunk, registered, header zero except magic; NULL when the OS refuses. */
static hk_chunk_t *hk_superslab_chunk_new(void);
/* Unregister and unmap a chunk of slabs that nobody can reach any more (the pool's release). */
static void hk_superslab_chunk_unmap(hk_chunk_t *ch);
/* A registered mapping of len bytes (page multiple) whose start is aligned to
 * max(align, 2 MiB); NULL when the OS refuses. */
static hk_chunk_t *hk_superslab_map_large(size_t len, size_t align);
static void hk_superslab_unmap_large(hk_chunk_t *ch, size_t len);
/* A registered mapping of len bytes (2 MiB aligned) that starts with the pages of the large
 * mapping old (old_len < len bytes), moved, not copied or faulted again; old is unregistered
 * and gone. NULL, with old untouched, when the OS refuses. */
static hk_chunk_t *hk_superslab_grow_large(hk_chunk_t *old, size_t old_len, size_t len);
static void hk_superslab_init(void);
/* The slot's probes (hakmem_probe("superslab", name, ...)): a switch over enum hk_superslab_probe, generated
 * from the slot list, with one case for every HK_PROBE_SUPERSLAB_* and no default (-Werror=switch
 * refuses a box that leaves one out); a probe the box does not answer is a case returning -1.
 * 0 and *out set when answered. Cold: tools, tests and the core's reports. */
static int hk_superslab_probe(enum hk_superslab_probe p, int64_t arg, int64_t *out);

#endif
