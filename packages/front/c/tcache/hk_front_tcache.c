/* front/tcache — a thread-local singly-linked list per size class. `room` counts down to the
 * limit so push compares with zero instead of loading a capacity. A thread whose heap is not
 * set up has every head NULL (pop misses) and is never handed a push (the core sends its
 * frees to the slow path), so zero-initialised TLS needs no first-use check.
 *
 * Hot path budget: pop = load head, test, load link, store head, bump room (one branch);
 * push = load head, store link, store head, decrement room, test (one branch). */

#include "hakmem/hk_front.h"

typedef struct {
  void *head[HK_NUM_CLASSES];
  uint32_t room[HK_NUM_CLASSES];
} hk_tcache_t;

static __thread hk_tcache_t hk_tcache;

static inline void *hk_front_pop(uint32_t cls) {
  void *b = hk_tcache.head[cls];
  if (HK_LIKELY(b != NULL)) {
    hk_tcache.head[cls] = hk_link_load(b);
    hk_tcache.room[cls]++;
  }
  return b;
}

static inline int hk_front_push(uint32_t cls, void *p) {
  hk_link_store(p, hk_tcache.head[cls]);
  hk_tcache.head[cls] = p;
  return --hk_tcache.room[cls] == 0;
}

/* Limit per class: maxBytes worth of blocks, at most maxBlocks, at least one. */
static uint32_t hk_front_capacity(uint32_t cls) {
  uint32_t n = (uint32_t)(HK_CFG_FRONT_MAX_BYTES / hk_class_size[cls]);
  if (n > HK_CFG_FRONT_MAX_BLOCKS) n = HK_CFG_FRONT_MAX_BLOCKS;
  return n ? n : 1;
}

static uint32_t hk_front_count(uint32_t cls) {
  uint32_t cap = hk_front_capacity(cls), room = hk_tcache.room[cls];
  return hk_tcache.head[cls] && room <= cap ? cap - room : 0;
}

static void hk_front_fill(uint32_t cls, void *head, uint32_t n) {
  hk_tcache.head[cls] = head;
  hk_tcache.room[cls] -= n;
}

static uint32_t hk_front_take(uint32_t cls, uint32_t n, void **head) {
  void *first = hk_tcache.head[cls], *last = first;
  if (!first || !n) {
    *head = NULL;
    return 0;
  }
  uint32_t k = 1;
  void *next;
  while (k < n && (next = hk_link_load(last)) != NULL) {
    last = next;
    k++;
  }
  hk_tcache.head[cls] = hk_link_load(last);
  hk_link_store(last, NULL);
  hk_tcache.room[cls] += k;
  *head = first;
  return k;
}

static void hk_front_thread_init(void) {
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) hk_tcache.room[c] = hk_front_capacity(c);
}

static void hk_front_thread_exit(void) { memset(&hk_tcache, 0, sizeof hk_tcache); }

static int hk_front_probe(enum hk_front_probe p, int64_t arg, int64_t *out) {
  if (arg < 0 || arg >= HK_NUM_CLASSES) return -1;
  switch (p) {
  case HK_PROBE_FRONT_COUNT: *out = hk_front_count((uint32_t)arg); return 0;
  case HK_PROBE_FRONT_CAPACITY: *out = hk_front_capacity((uint32_t)arg); return 0;
  }
  return -1;
}
