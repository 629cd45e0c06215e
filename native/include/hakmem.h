/* hakmem.h — the extended API of a hakmem variant (the malloc family itself is the standard one).
 * Link with `pkg-config --libs hakmem` or preload libhakmem.so. */
#ifndef HAKMEM_H
#define HAKMEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hakmem_os_stats {
  uint64_t chunks;      /* 2 MiB chunks mapped for slabs since start */
  uint64_t large_maps;  /* mappings made for large blocks since start */
  int64_t bytes_mapped; /* bytes mapped from the OS now */
} hakmem_os_stats_t;

/* The events the stats box counts (all zero when the variant's stats box is `off`), listed once:
 * X(NAME, name) per event, in order. hakmem_event_t below (HAKMEM_EV_<NAME>), hakmem_event_name()
 * and the exit report expand it; the addon's STAT_EVENTS is tested against it. */
/* clang-format off */
#define HAKMEM_EVENT_LIST(X)                                                                   \
  X(MALLOC_HIT, malloc_hit)         /* malloc served by the thread's front cache */            \
  X(MALLOC_MISS, malloc_miss)       /* malloc that had to refill the front */                  \
  X(FREE_LOCAL, free_local)         /* free of a block of the calling thread's heap */         \
  X(FREE_REMOTE, free_remote)       /* free of another thread's block (by the remote slot) */  \
  X(REFILL, refill)                 /* refills of the front */                                 \
  X(REFILL_BLOCKS, refill_blocks)   /* blocks those refills moved */                           \
  X(DRAIN, drain)                   /* drains of a full front back to slabs */                 \
  X(DRAIN_BLOCKS, drain_blocks)     /* blocks those drains moved */                            \
  X(CHUNK_MAP, chunk_map)           /* chunks and large mappings taken from the OS */          \
  X(CHUNK_UNMAP, chunk_unmap)       /* mappings returned to the OS */                          \
  X(LARGE_ALLOC, large_alloc)       /* blocks above the slab range allocated */                \
  X(LARGE_FREE, large_free)         /* and freed */                                            \
  X(REMOTE_ATOMICS, remote_atomics) /* atomic operations (CAS attempts) handing blocks over */

typedef enum hakmem_event {
#define HAKMEM_EV_ENUM_(NAME, name) HAKMEM_EV_##NAME,
  HAKMEM_EVENT_LIST(HAKMEM_EV_ENUM_)
#undef HAKMEM_EV_ENUM_
  HAKMEM_EVENTS
} hakmem_event_t;
/* clang-format on */

#define HAKMEM_CLASSES 52

typedef struct hakmem_stats {
  int enabled;  /* the stats box counts */
  int profiled; /* and measures cycles (time-stamp counter) */
  uint64_t count[HAKMEM_EVENTS];
  uint64_t cycles[HAKMEM_EVENTS]; /* summed over the timed paths */
  uint64_t by_class[HAKMEM_EVENTS][HAKMEM_CLASSES];
} hakmem_stats_t;

/* Totals over every thread so far. */
void hakmem_stats(hakmem_stats_t *out);
const char *hakmem_event_name(int event); /* "malloc_hit", ...; NULL out of range */

const char *hakmem_version(void);      /* e.g. "0.1.0" */
const char *hakmem_variant_name(void); /* e.g. "default" */
const char *hakmem_variant_json(void); /* the variant's resolved composition (variant.json) */

/* A box's probe: slot ("core", "front", ...), probe name and argument. Returns 0 and sets *out,
 * or -1 when the slot's box has no such probe. */
int hakmem_probe(const char *slot, const char *name, int64_t arg, int64_t *out);

void hakmem_os_stats(hakmem_os_stats_t *out);

/* malloc_trim's work, with its figure: the calling thread's cache back to its slabs, what
 * exited threads left, then every resting page given back to the OS (the shared pool's
 * resident slabs and chunks, the large cache), whatever the purge box's delay. Returns the
 * bytes given back. malloc_trim(pad) does the same and returns 1 when that is not zero. */
size_t hakmem_trim(void);

/* Live figures of the allocator, in every variant, derived at read time from state it keeps
 * on slow paths: nothing is counted on the hit paths. Bytes unless named otherwise. Definitions
 * (docs/introspection.md, "Metrics"):
 *   allocated   in use by the program: slab blocks by their stride, large blocks by their size;
 *               exact for a program with one thread, else it also counts what other threads'
 *               caches hold and blocks on their way back to their heap (at most the caches'
 *               capacities and the remote box's batches)
 *   active      slab blocks out of their slabs (with the program, in a thread cache or on their
 *               way back) by stride, plus large blocks' usable bytes: allocated <= active
 *   mapped      mapped from the OS now: chunks, large mappings, heaps
 *   resident    the process's resident set (/proc/self/statm), all of it, not only hakmem's
 *   retained    idle but held resident: slabs and chunks resting in the pool, the large cache
 *               (what malloc_trim would give back now)
 *   metadata    chunk header pages and heaps
 *   large_*     live large blocks (count, bytes of their mappings) and the large cache's bytes
 *   class_blocks  slab blocks in use per size class (class_size gives each class's size)
 *   threads, orphaned_heaps  heaps with a live thread, heaps left by exited threads
 *   minor_faults, major_faults  the process's page faults (getrusage) */
#define HAKMEM_METRICS_VERSION 1

typedef struct hakmem_metrics {
  uint32_t version; /* HAKMEM_METRICS_VERSION */
  uint64_t allocated, active, mapped, resident, retained, metadata;
  uint64_t large_blocks, large_mapped, large_cached;
  uint64_t threads, orphaned_heaps;
  uint64_t minor_faults, major_faults;
  uint32_t class_size[HAKMEM_CLASSES];
  uint64_t class_blocks[HAKMEM_CLASSES];
} hakmem_metrics_t;

void hakmem_metrics(hakmem_metrics_t *out);
/* The same as JSON ({"schema":1,...}, one line) into buf; returns the length the whole text
 * needs (without the NUL), like snprintf: a return >= len means buf was too small. Writes a
 * NUL when len > 0. Allocates nothing. */
size_t hakmem_metrics_json(char *buf, size_t len);

/* The heap profile (the sampler slot's box; docs/profile-format.md, hakmem-profile v1) written
 * to path now: live sampled allocations and every sample since start, by call stack, with
 * /proc/self/maps for symbolisation outside the process (`hakmem profile`). Returns 0, or -1
 * with errno: ENOTSUP when the variant keeps no profile (sampler/none; nothing is written),
 * open's errno when path cannot be written. Allocates nothing. */
int hakmem_profile_dump(const char *path);

#ifdef __cplusplus
}
#endif

#endif
