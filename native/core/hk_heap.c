/* hk_heap.c — heaps and their life cycle: process init, a thread's first allocation, thread
 * exit (its cache flushed, its heap left for the next thread to adopt), reclaiming what
 * exited threads left, and fork (the child adopts every heap whose thread it does not have). */

static hk_lock_t hk_heaps_lock = HK_LOCK_INIT;   /* guards the lists below */
static hk_heap_t *hk_heaps_all;                   /* every heap ever made */
static hk_heap_t *hk_heaps_orphans;               /* heaps of exited threads (written under the
                                                     lock, read atomically without it) */
static int hk_init_state;                 /* 0 none, 1 running, 2 ready */
static pthread_key_t hk_thread_key;
static int hk_thread_key_ready;

static void hk_thread_exit(void *arg);
static void hk_fork_prepare(void);
static void hk_fork_parent(void);
static void hk_fork_child(void);

/* Heaps are carved from 64 KiB mappings and never unmapped. Called under hk_heaps_lock. */
static hk_heap_t *hk_heap_new(void) {
  static uint8_t *arena;
  static size_t left;
  size_t size = HK_ALIGN_UP(sizeof(hk_heap_t), HK_CACHE_LINE);
  if (left < size) {
    arena = hk_os_map(64 * 1024);
    if (!arena) return NULL;
    left = 64 * 1024;
  }
  hk_heap_t *h = (hk_heap_t *)arena;
  arena += size;
  left -= size;
  h->next_all = hk_heaps_all;
  hk_heaps_all = h;
  return h;
}

static HK_COLD void hk_init_slow(void) {
  int expected = 0;
  if (__atomic_compare_exchange_n(&hk_init_state, &expected, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    hk_stats_init();
    hk_freegate_init();
    hk_sharedpool_init();
    hk_large_init();
    hk_superslab_init();
    __atomic_store_n(&hk_init_state, 2, __ATOMIC_RELEASE);
    /* Both may allocate; allocation already works. */
    if (pthread_key_create(&hk_thread_key, hk_thread_exit) == 0)
      __atomic_store_n(&hk_thread_key_ready, 1, __ATOMIC_RELEASE);
    pthread_atfork(hk_fork_prepare, hk_fork_parent, hk_fork_child);
    return;
  }
  while (__atomic_load_n(&hk_init_state, __ATOMIC_ACQUIRE) != 2) sched_yield();
}

static inline void hk_init(void) {
  if (HK_UNLIKELY(__atomic_load_n(&hk_init_state, __ATOMIC_ACQUIRE) != 2)) hk_init_slow();
}

/* The calling thread's first allocation: adopt an orphan heap, or make one. */
static HK_NOINLINE hk_heap_t *hk_thread_start(void) {
  hk_init();
  hk_lock(&hk_heaps_lock);
  hk_heap_t *h = hk_heaps_orphans;
  if (h) __atomic_store_n(&hk_heaps_orphans, h->next_orphan, __ATOMIC_RELAXED);
  else h = hk_heap_new();
  if (h) { h->state = HK_HEAP_ACTIVE; h->next_orphan = NULL; }
  hk_unlock(&hk_heaps_lock);
  if (!h) return NULL;
  hk_front_thread_init();
  hk_tls_heap = h;
  if (__atomic_load_n(&hk_thread_key_ready, __ATOMIC_ACQUIRE))
    pthread_setspecific(hk_thread_key, h);   /* may allocate; this thread is ready */
  return h;
}

static void hk_thread_exit(void *arg) {
  (void)arg;
  hk_heap_t *h = hk_tls_heap;
  if (!h) return;
  int saved = errno;
  hk_refill_flush(h);
  hk_front_thread_reset();
  hk_stats_thread_exit();
  hk_tls_heap = NULL;
  hk_lock(&hk_heaps_lock);
  h->state = HK_HEAP_ORPHAN;
  h->next_orphan = hk_heaps_orphans;
  __atomic_store_n(&hk_heaps_orphans, h, __ATOMIC_RELAXED);
  hk_unlock(&hk_heaps_lock);
  errno = saved;
}

/* The pool ran dry: take back what other threads freed into exited threads' heaps. */
static void hk_orphans_reclaim(void) {
  if (!__atomic_load_n(&hk_heaps_orphans, __ATOMIC_RELAXED)) return;
  hk_lock(&hk_heaps_lock);
  for (hk_heap_t *h = hk_heaps_orphans; h; h = h->next_orphan)
    if (__atomic_load_n(&h->remote, __ATOMIC_RELAXED)) hk_refill_trim(h);
  hk_unlock(&hk_heaps_lock);
}

static void hk_fork_prepare(void) {
  hk_lock(&hk_heaps_lock);
  hk_sharedpool_lock_all();
  hk_large_lock_all();
}

static void hk_fork_parent(void) {
  hk_large_unlock_all();
  hk_sharedpool_unlock_all();
  hk_unlock(&hk_heaps_lock);
}

/* Only the forking thread exists in the child: every other active heap becomes an orphan.
 * Blocks that sat in the other threads' front caches are lost to the child, nothing more. */
static void hk_fork_child(void) {
  hk_large_reset_locks();
  hk_sharedpool_reset_locks();
  hk_lock_reset(&hk_heaps_lock);
  for (hk_heap_t *h = hk_heaps_all; h; h = h->next_all)
    if (h->state == HK_HEAP_ACTIVE && h != hk_tls_heap) {
      h->state = HK_HEAP_ORPHAN;
      h->next_orphan = hk_heaps_orphans;
      __atomic_store_n(&hk_heaps_orphans, h, __ATOMIC_RELAXED);
    }
}
