/* front/magazine — a thread-local array stack per size class: `blocks` slots (capped per class
 * by maxBytes) below a top index. The front writes nothing into a cached block: no link goes
 * into freed memory while it sits in the magazine, so the front's push touches only the
 * thread's own array. (The block is not untouched: the block slot records it free before the
 * push, in word 1 for the fast box; the other words stay as the program left them.) Links are written only when blocks leave for the slabs (hk_front_take)
 * and read when they arrive (hk_front_fill).
 *
 * Layout: one flat array; class c owns entries base(c) = c * (blocks + 1) .. base(c) + blocks.
 * Entry base(c) is a sentinel that stays NULL, so pop needs no count test: it loads the entry
 * at the top and an empty magazine yields NULL. top[c] indexes the top entry; lim[c] is
 * base(c) + capacity. A thread whose heap is not set up has top = lim = 0: its pops read the
 * sentinel of class 0 (a miss) and it is never handed a push (the core sends its frees to the
 * slow path), so zero-initialised TLS needs no first-use check.
 * TLS: 52 x (blocks + 1) x 8 bytes + 416 (26.4 KiB at the default 64 blocks).
 *
 * Hot path budget: pop = load top, load entry, test (one branch), store top - 1;
 * push = load top, store entry at top + 1, store top + 1, compare with lim (one branch). */

#include "hakmem/hk_front.h"

#define HK_MAG_STRIDE (HK_CFG_FRONT_BLOCKS + 1)

typedef struct {
  uint32_t top[HK_NUM_CLASSES];
  uint32_t lim[HK_NUM_CLASSES];
  void *entry[HK_NUM_CLASSES * HK_MAG_STRIDE];
} hk_magazine_t;

static __thread hk_magazine_t hk_mag;

static inline uint32_t hk_mag_base(uint32_t cls) { return cls * HK_MAG_STRIDE; }

static inline void *hk_front_pop(uint32_t cls) {
  uint32_t t = hk_mag.top[cls];
  void *b = hk_mag.entry[t];
  if (HK_LIKELY(b != NULL)) hk_mag.top[cls] = t - 1;
  return b;
}

static inline int hk_front_push(uint32_t cls, void *p) {
  uint32_t t = hk_mag.top[cls] + 1;
  hk_mag.entry[t] = p;
  hk_mag.top[cls] = t;
  return t == hk_mag.lim[cls];
}

/* Limit per class: maxBytes worth of blocks, at most `blocks`, at least one. */
static uint32_t hk_front_capacity(uint32_t cls) {
  uint32_t n = (uint32_t)(HK_CFG_FRONT_MAX_BYTES / hk_class_size[cls]);
  if (n > HK_CFG_FRONT_BLOCKS) n = HK_CFG_FRONT_BLOCKS;
  return n ? n : 1;
}

static uint32_t hk_front_count(uint32_t cls) { return hk_mag.lim[cls] ? hk_mag.top[cls] - hk_mag_base(cls) : 0; }

/* The chain's first block ends on top, so blocks come out in chain order (a refill's fresh
 * blocks in address order). */
static void hk_front_fill(uint32_t cls, void *head, uint32_t n) {
  void **e = &hk_mag.entry[hk_mag_base(cls)];
  for (uint32_t i = n; i; i--, head = hk_link_load(head)) e[i] = head;
  hk_mag.top[cls] = hk_mag_base(cls) + n;
}

/* The oldest blocks leave (the bottom of the stack: the coldest), the hot top stays. */
static uint32_t hk_front_take(uint32_t cls, uint32_t n, void **head) {
  uint32_t have = hk_front_count(cls), k = n < have ? n : have;
  void **e = &hk_mag.entry[hk_mag_base(cls)] + 1; /* above the sentinel */
  if (!k) {
    *head = NULL;
    return 0;
  }
  for (uint32_t i = 0; i + 1 < k; i++) hk_link_store(e[i], e[i + 1]);
  hk_link_store(e[k - 1], NULL);
  *head = e[0];
  memmove(e, e + k, (have - k) * sizeof *e);
  hk_mag.top[cls] -= k;
  return k;
}

static void hk_front_thread_init(void) {
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) {
    hk_mag.top[c] = hk_mag_base(c);
    hk_mag.lim[c] = hk_mag_base(c) + hk_front_capacity(c);
  }
}

static void hk_front_thread_exit(void) {
  memset(hk_mag.top, 0, sizeof hk_mag.top); /* every pop reads class 0's sentinel: a miss */
  memset(hk_mag.lim, 0, sizeof hk_mag.lim);
}

static int hk_front_probe(enum hk_front_probe p, int64_t arg, int64_t *out) {
  if (arg < 0 || arg >= HK_NUM_CLASSES) return -1;
  switch (p) {
  case HK_PROBE_FRONT_COUNT: *out = hk_front_count((uint32_t)arg); return 0;
  case HK_PROBE_FRONT_CAPACITY: *out = hk_front_capacity((uint32_t)arg); return 0;
  }
  return -1;
}
