/* stats/common (base `blocks`) — per-thread counter blocks. Each thread counts into its own block (plain adds,
 * no atomics, no sharing); blocks are never freed: a thread that exits leaves its block to the
 * next thread, so every count survives and a snapshot is the sum over all blocks. The box defines
 * hk_stats_profiled() and hk_stats_clock(); the contract is hk_stats_blocks.h. */

#include "hk_stats_blocks.h"

typedef struct hk_stats_block {
  uint64_t count[HAKMEM_EVENTS];
  uint64_t cycles[HAKMEM_EVENTS];
  uint64_t by_class[HAKMEM_EVENTS][HAKMEM_CLASSES];
  struct hk_stats_block *next; /* every block ever made */
  int in_use;
} hk_stats_block_t;

static __thread hk_stats_block_t *hk_stats_tls;
static hk_stats_block_t *hk_stats_blocks;

/* The calling thread's first event: reuse a block an exited thread left, or map one. */
static HK_NOINLINE hk_stats_block_t *hk_stats_attach(void) {
  for (hk_stats_block_t *b = __atomic_load_n(&hk_stats_blocks, __ATOMIC_ACQUIRE); b; b = b->next) {
    int idle = 0;
    if (__atomic_compare_exchange_n(&b->in_use, &idle, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
      return hk_stats_tls = b;
  }
  hk_stats_block_t *b = hk_os_map(HK_ALIGN_UP(sizeof(hk_stats_block_t), HK_PAGE));
  if (!b) return NULL;
  b->in_use = 1;
  hk_stats_block_t *head = __atomic_load_n(&hk_stats_blocks, __ATOMIC_RELAXED);
  do b->next = head;
  while (!__atomic_compare_exchange_n(&hk_stats_blocks, &head, b, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
  return hk_stats_tls = b;
}

static inline void hk_stats_count(hk_event_t ev, uint32_t cls, uint64_t n) {
  hk_stats_block_t *b = hk_stats_tls;
  if (HK_UNLIKELY(!b) && !(b = hk_stats_attach())) return;
  b->count[ev] += n;
  b->by_class[ev][cls] += n;
}

static inline void hk_stats_time(hk_event_t ev, uint32_t cls, uint64_t t0) {
  hk_stats_count(ev, cls, 1);
  if (hk_stats_profiled()) hk_stats_tls->cycles[ev] += hk_stats_clock() - t0;
}

static void hk_stats_thread_exit(void) {
  hk_stats_block_t *b = hk_stats_tls;
  if (!b) return;
  hk_stats_tls = NULL;
  __atomic_store_n(&b->in_use, 0, __ATOMIC_RELEASE);
}

static void hk_stats_snapshot(hakmem_stats_t *out) {
  memset(out, 0, sizeof *out);
  out->enabled = 1;
  out->profiled = hk_stats_profiled();
  for (hk_stats_block_t *b = __atomic_load_n(&hk_stats_blocks, __ATOMIC_ACQUIRE); b; b = b->next)
    for (int e = 0; e < HAKMEM_EVENTS; e++) {
      out->count[e] += b->count[e];
      out->cycles[e] += b->cycles[e];
      for (int c = 0; c < HAKMEM_CLASSES; c++) out->by_class[e][c] += b->by_class[e][c];
    }
}

static int hk_stats_probe(enum hk_stats_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_STATS_ENABLED: *out = 1; return 0;
  case HK_PROBE_STATS_PROFILED: *out = hk_stats_profiled(); return 0;
  case HK_PROBE_STATS_COUNT:
  case HK_PROBE_STATS_CYCLES: {
    if (arg < 0 || arg >= HAKMEM_EVENTS) return -1;
    static hakmem_stats_t st;
    hk_stats_snapshot(&st);
    *out = (int64_t)(p == HK_PROBE_STATS_COUNT ? st.count[arg] : st.cycles[arg]);
    return 0;
  }
  }
  return -1;
}
