/* remote/batched — message passing: a thread gathers the blocks it frees for other heaps in
 * a small per-thread cache of buckets, one destination heap per bucket, and hands a bucket's
 * blocks to its owner with one CAS per lane of the channel when it fills (batchBlocks blocks or
 * batchBytes bytes), when the bucket is wanted for another heap, on the thread's next malloc
 * miss, at thread exit and on malloc_trim. A few atomic operations (one contended cache line)
 * per batch instead of one per block: the idea that lets snmalloc's message passing scale.
 *
 * Bound: a thread holds at most buckets x batchBytes bytes (a bucket that reaches batchBytes
 * goes at once), all still counted as in use by their slabs, so nothing they live in can be
 * given back while they wait. Thread exit: the core's exit calls hk_remote_thread_exit, and a
 * thread that only ever frees (it has no heap, so the core's exit never runs for it) registers
 * the box's own thread key on its first held block; after exit a thread hands blocks over one
 * at a time. Fork: the forking thread keeps its buckets in the child; another thread's held
 * blocks are lost to the child, as its front cache is. */

#include "hk_remote_channel.h"

/* A bucket's blocks go round the channel's lanes (block i to lane i mod HK_REMOTE_LANES), so
 * one batch reaches its owner as that many chains it can walk side by side. */
typedef struct {
  hk_heap_t *to; /* the destination heap (NULL: unused) */
  void *first[HK_REMOTE_LANES],
      *last[HK_REMOTE_LANES]; /* per lane, newest first; last's link is written on hand-over */
  uint32_t blocks, bytes;
} hk_remote_bucket_t;

enum { HK_REMOTE_FRESH = 0, HK_REMOTE_KEYED = 1, HK_REMOTE_EXITED = 2 };

static __thread struct {
  hk_remote_bucket_t bucket[HK_CFG_REMOTE_BUCKETS];
  uint32_t held;  /* blocks in every bucket: the miss path's one test */
  uint32_t state; /* enum above */
} hk_remote_tls;

static pthread_key_t hk_remote_key;
static int hk_remote_key_ready;

static void hk_remote_send(hk_remote_bucket_t *b, uint32_t cls) {
  for (uint32_t i = 0; i < HK_REMOTE_LANES; i++) {
    if (!b->first[i]) continue;
    hk_remote_push(b->to, i, b->first[i], b->last[i], cls);
    b->first[i] = b->last[i] = NULL;
  }
  hk_remote_tls.held -= b->blocks;
  b->blocks = b->bytes = 0;
}

static HK_NOINLINE void hk_remote_send_all(void) {
  for (uint32_t i = 0; i < HK_CFG_REMOTE_BUCKETS; i++)
    if (hk_remote_tls.bucket[i].blocks) hk_remote_send(&hk_remote_tls.bucket[i], 0);
}

static inline void hk_remote_flush(void) {
  if (HK_UNLIKELY(hk_remote_tls.held)) hk_remote_send_all();
}

static void hk_remote_thread_exit(void) {
  hk_remote_send_all();
  hk_remote_tls.state = HK_REMOTE_EXITED;
}

static void hk_remote_key_exit(void *arg) {
  (void)arg;
  hk_remote_thread_exit();
}

static void hk_remote_init(void) {
  if (pthread_key_create(&hk_remote_key, hk_remote_key_exit) == 0)
    __atomic_store_n(&hk_remote_key_ready, 1, __ATOMIC_RELEASE);
}

/* The thread's first held block: make sure its exit hands the buckets over. 0: hand this
 * block over directly (the thread has exited, or the key could not be set). */
static HK_NOINLINE int hk_remote_attach(void) {
  if (hk_remote_tls.state == HK_REMOTE_EXITED || !__atomic_load_n(&hk_remote_key_ready, __ATOMIC_ACQUIRE)) return 0;
  if (pthread_setspecific(hk_remote_key, &hk_remote_tls) != 0) return 0; /* may allocate: no lock is held */
  hk_remote_tls.state = HK_REMOTE_KEYED;
  return 1;
}

/* Heaps are cache-line aligned and about 1.4 KiB apart: a multiplicative hash of the line. */
static inline uint32_t hk_remote_bucket_of(const hk_heap_t *o) {
  return (uint32_t)((((uintptr_t)o >> 6) * 0x9e3779b97f4a7c15ull) >> 40) % HK_CFG_REMOTE_BUCKETS;
}

static HK_NOINLINE void hk_remote_free(hk_heap_t *o, void *p, uint32_t cls) {
  if (HK_UNLIKELY(hk_remote_tls.state != HK_REMOTE_KEYED) && !hk_remote_attach()) {
    hk_remote_push(o, hk_remote_lane_of(p), p, p, cls);
    return;
  }
  hk_remote_bucket_t *b = &hk_remote_tls.bucket[hk_remote_bucket_of(o)];
  if (b->to != o) {
    if (b->blocks) hk_remote_send(b, cls);
    b->to = o;
  }
  uint32_t lane = b->blocks & (HK_REMOTE_LANES - 1);
  hk_link_store(p, b->first[lane]);
  if (!b->first[lane]) b->last[lane] = p;
  b->first[lane] = p;
  b->blocks++;
  b->bytes += hk_class_stride[cls];
  hk_remote_tls.held++;
  if (b->blocks >= HK_CFG_REMOTE_BATCH_BLOCKS || b->bytes >= HK_CFG_REMOTE_BATCH_BYTES) hk_remote_send(b, cls);
}

static int hk_remote_probe(enum hk_remote_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_REMOTE_HELD: /* the calling thread's */ *out = hk_remote_tls.held; return 0;
  case HK_PROBE_REMOTE_BATCH: *out = HK_CFG_REMOTE_BATCH_BLOCKS; return 0;
  case HK_PROBE_REMOTE_LANES: *out = HK_REMOTE_LANES; return 0;
  }
  return -1;
}
