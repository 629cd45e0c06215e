/* Slot `stats`: counters and cycle profiles. Every call site is on a path the variant already
 * takes; a box whose functions are empty (`off`) compiles every site to nothing. */
#ifndef HK_SLOT_STATS_H
#define HK_SLOT_STATS_H

typedef enum hk_event {
  HK_EV_MALLOC_HIT, HK_EV_MALLOC_MISS, HK_EV_FREE_LOCAL, HK_EV_FREE_REMOTE,
  HK_EV_REFILL, HK_EV_DRAIN, HK_EV_CHUNK_MAP, HK_EV_CHUNK_UNMAP,
  HK_EV_LARGE_ALLOC, HK_EV_LARGE_FREE, HK_EV__COUNT
} hk_event_t;

/* Count n occurrences of ev for size class cls (cls is 0 where no class applies). */
static inline void hk_stats_count(hk_event_t ev, uint32_t cls, uint64_t n);
static void hk_stats_init(void);
static int hk_stats_probe(const char *name, int64_t arg, int64_t *out);

#endif
