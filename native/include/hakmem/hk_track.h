/* Slot `track`: telling a memory checker what the allocator does with its memory, so that a
 * program using hakmem (not replacing it) gets the checker's reports on hakmem blocks: leaks,
 * use after free, reads of memory never handed out. A box answers the calls below; `none`
 * defines them empty, so a variant without a checker compiles to the same code.
 *
 * Who calls what:
 * - the core, on every block malloc hands out (slab hit, miss, large): hk_track_malloc, before
 *   the block slot's hk_block_on_alloc writes into it (so what it writes reads as defined: the
 *   block box's live test may read it);
 * - the core's free (hk_free.c), on every valid free (local, remote, large), once the block is
 *   checked and before anything is written into it: hk_track_free. free(NULL), foreign,
 *   interior and double frees never reach it;
 * - every write or read the allocator makes into a FREE block (links through hk_link_store and
 *   hk_link_load, the block box's free state, a reused large mapping zeroed for calloc) is bracketed by
 *   hk_track_open and hk_track_close: accessible while the allocator works, no access after;
 * - refill, when a slab is given to a class: hk_track_unused over its block area (never
 *   handed out yet; the carving's links open and close it a block at a time);
 * - the superslab's map base, over every range it maps (before the first write) and every
 *   range it gives back to the OS (a chunk or a large mapping unmapped, the old range of a
 *   large mapping moved by mremap): hk_track_open over all of it, so no checker state (ASan's
 *   poison of an earlier owner of the addresses: a thread's stack, another allocator) outlives
 *   a mapping or greets a new one.
 * Reads of a live block's words (the block box's live test, an aligned block's tag in word 0)
 * are plain: the block is the program's and accessible.
 *
 * A block is told with two sizes: its usable bytes (the stride of a slab block, the usable
 * bytes of a large block) and the bytes the program asked for (`req`, never more), so a checker
 * reports a leak with the program's size and an access past it into the block's slack as
 * invalid. `req` is at least hk_track_floor() bytes from the program's pointer (a box whose
 * checker sees hakmem's own reads: free reads a live block's first words). realloc within a
 * block tells the new size (hk_track_resize); realloc that moves copies the old block's `req`
 * bytes (hk_track_requested), and malloc_usable_size answers `req` too, so a program that
 * trusts it never touches the slack. An aligned allocation above 64 is registered as its
 * containing block, from its start to `req` bytes past the program's pointer (memcheck calls
 * such a block, if leaked, "possibly lost").
 * Nothing here may allocate; every call is on a path the variant already takes. */
#ifndef HK_SLOT_TRACK_H
#define HK_SLOT_TRACK_H

#include "hk_prelude.h"

/* p (size usable bytes) is handed to the program, which asked for req bytes (req <= size);
 * zeroed: its bytes are known to be zero. The slack past req is no access. */
static inline void hk_track_malloc(void *p, size_t size, size_t req, int zeroed);
/* Live block p (size usable bytes), told as old bytes, now holds req (realloc in place, an
 * aligned block trimmed to what its program's pointer asked for). */
static inline void hk_track_resize(void *p, size_t size, size_t old, size_t req);
/* The req of live block p (size usable bytes) as the checker holds it; size when the box or
 * its checker keeps none (not running). Cold: realloc that moves, malloc_usable_size. */
static inline size_t hk_track_requested(const void *p, size_t size);
/* The least req the box is told, counted from the program's pointer (a constant). */
static inline size_t hk_track_floor(void);
/* p (size usable bytes) comes back from the program, checked; nothing was written yet. */
static inline void hk_track_free(void *p, size_t size);
/* The allocator is about to access n bytes at p of a free block ... */
static inline void hk_track_open(const void *p, size_t n);
/* ... and is done with them: no access until hk_track_malloc hands them out. */
static inline void hk_track_close(const void *p, size_t n);
/* n bytes at p are carved for blocks but none is handed out yet: no access. */
static inline void hk_track_unused(const void *p, size_t n);
/* 1 when the box uses the sizes: a caller computes a size that costs more than a load only
 * then (a constant, so `if (hk_track_sizes())` compiles away under `none`). */
static inline int hk_track_sizes(void);
/* The slot's probes (hakmem_probe("track", name, ...)): a switch over enum hk_track_probe, generated
 * from the slot list, with one case for every HK_PROBE_TRACK_* and no default (-Werror=switch
 * refuses a box that leaves one out); a probe the box does not answer is a case returning -1.
 * 0 and *out set when answered. Cold: tools, tests and the core's reports. */
static int hk_track_probe(enum hk_track_probe p, int64_t arg, int64_t *out);

#endif
