/* hk_heap.c — heaps and their life cycle: process init, a thread's first allocation, thread
 * exit (its cache flushed, its heap left for the next thread to adopt), reclaiming what
 * exited threads left, and fork (the child adopts every heap whose thread it does not have).
 *
 * Lock order: a purge box's pass lock (purge/background), hk_heaps_lock, then a heap's lock,
 * then the pool's and the large cache's locks.
 * A thread that holds its own heap's lock (a refill) and wants hk_heaps_lock (to reclaim
 * orphans) only tries it, since fork's prepare holds hk_heaps_lock while it waits for every
 * heap's lock. */

static hk_lock_t hk_heaps_lock = HK_LOCK_INIT; /* guards the lists below */
static hk_heap_t *hk_heaps_all;                /* every heap ever made */
static hk_heap_t *hk_heaps_orphans;            /* heaps of exited threads (written under the
                                                     lock, read atomically without it) */
static int hk_init_state;                      /* 0 none, 1 running, 2 ready */
static __thread int hk_init_running;           /* this thread is running the init */
static int hk_fork_handlers;                   /* pthread_atfork was called (once) */
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
  __atomic_store_n(&hk_heaps_all, h, __ATOMIC_RELEASE); /* introspection walks the list without the lock */
  return h;
}

/* The fork handlers, once. Never from inside a handler: glibc runs them under the lock that
 * pthread_atfork takes. */
static void hk_fork_handlers_register(void) {
  int expected = 0;
  if (__atomic_compare_exchange_n(&hk_fork_handlers, &expected, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    pthread_atfork(hk_fork_prepare, hk_fork_parent, hk_fork_child);
}

/* The boxes first; then the thread-exit key and the fork handlers, which may allocate: this
 * thread's allocations go ahead (hk_init_running) while every other thread waits for state
 * 2, so no allocation returns to a thread that could fork before the handlers are in place.
 * The library's constructor runs this at load, before main and its threads, in any case. */
static HK_COLD void hk_init_slow(void) {
  int expected = 0;
  if (__atomic_compare_exchange_n(&hk_init_state, &expected, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    hk_options_read(); /* runtime tunables first: the init hooks read them */
    hk_slots_init();
    hk_init_running = 1;
    if (pthread_key_create(&hk_thread_key, hk_thread_exit) == 0)
      __atomic_store_n(&hk_thread_key_ready, 1, __ATOMIC_RELEASE);
    hk_fork_handlers_register();
    hk_init_running = 0;
    __atomic_store_n(&hk_init_state, 2, __ATOMIC_RELEASE);
    return;
  }
  if (hk_init_running) return; /* an allocation made by the key or the handler registration */
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
  if (h) {
    HK_ASSERT(h->state == HK_HEAP_ORPHAN);
    __atomic_store_n(&hk_heaps_orphans, h->next_orphan, __ATOMIC_RELAXED);
  } else {
    h = hk_heap_new();
  }
  if (h) {
    __atomic_store_n(&h->state, HK_HEAP_ACTIVE, __ATOMIC_RELAXED);
    h->next_orphan = NULL;
  }
  hk_unlock(&hk_heaps_lock);
  if (!h) return NULL;
  hk_slots_thread_init();
  hk_tls_heap = h;
  if (__atomic_load_n(&hk_thread_key_ready, __ATOMIC_ACQUIRE))
    pthread_setspecific(hk_thread_key, h); /* may allocate; this thread is ready */
  return h;
}

/* The calling thread's front back to its heap's slabs, then the heap's empty slabs back. */
static void hk_heap_flush(hk_heap_t *h) {
  hk_lock(&h->lock);
  hk_refill_flush(h);
  hk_unlock(&h->lock);
}

static void hk_thread_exit(void *arg) {
  (void)arg;
  hk_heap_t *h = hk_tls_heap;
  if (!h) return;
  int saved = errno;
  hk_quarantine_flush(); /* into the front, which goes back next */
  hk_heap_flush(h);
  hk_purge_tick();
  hk_slots_thread_exit();
  hk_tls_heap = NULL;
  hk_lock(&hk_heaps_lock);
  HK_ASSERT(h->state == HK_HEAP_ACTIVE);
  __atomic_store_n(&h->state, HK_HEAP_ORPHAN, __ATOMIC_RELAXED);
  h->next_orphan = hk_heaps_orphans;
  __atomic_store_n(&hk_heaps_orphans, h, __ATOMIC_RELAXED);
  hk_unlock(&hk_heaps_lock);
  hk_purge_unlocked(); /* what the flush laid to rest may be what starts a purge thread */
  errno = saved;
}

/* Under hk_heaps_lock: trim the orphans (all, or those with blocks handed back waiting). */
static void hk_orphans_trim(int all) {
  for (hk_heap_t *h = hk_heaps_orphans; h; h = h->next_orphan)
    if (all || hk_remote_pending(h)) {
      hk_lock(&h->lock);
      hk_refill_trim(h);
      hk_unlock(&h->lock);
    }
}

/* The pool ran dry: take back what other threads freed into exited threads' heaps. The
 * caller holds its own heap's lock (a refill), so hk_heaps_lock is only tried (see the lock
 * order at the top): when it is busy the caller maps instead, and the next miss tries again. */
static void hk_orphans_reclaim(void) {
  if (!__atomic_load_n(&hk_heaps_orphans, __ATOMIC_RELAXED)) return;
  if (!hk_trylock(&hk_heaps_lock)) return;
  hk_orphans_trim(0);
  hk_unlock(&hk_heaps_lock);
}

/* malloc_trim, hakmem_trim: the blocks the calling thread holds for other heaps to their
 * owners, its front back to its slabs, the queues and
 * empty slabs of exited threads' heaps, then every resting page: the pool's resident slabs
 * and chunks, the large cache. Returns the bytes given back to the OS; errno is kept. */
static size_t hk_trim(void) {
  int saved = errno;
  hk_init();
  hk_remote_flush();
  if (hk_tls_heap) {
    hk_quarantine_flush();
    hk_heap_flush(hk_tls_heap);
  }
  hk_lock(&hk_heaps_lock);
  hk_orphans_trim(1);
  hk_unlock(&hk_heaps_lock);
  size_t bytes = hk_pool_purge(UINT64_MAX) + hk_large_purge(UINT64_MAX);
  errno = saved;
  return bytes;
}

/* A mapping failed (address space, a limit): give back what rests idle now, whatever the
 * purge box's delay, so that one retry may succeed. A refill holds its heap's lock and cannot
 * flush its own front: then only the pool and the large cache are purged. */
static void hk_pressure(int heap_locked) {
  int saved = errno;
  if (heap_locked) {
    hk_pool_purge(UINT64_MAX);
    hk_large_purge(UINT64_MAX);
  } else {
    hk_trim();
  }
  errno = saved;
}

static HK_NOINLINE void hk_heap_drain(hk_heap_t *h, uint32_t cls) {
  hk_lock(&h->lock);
  hk_refill_drain(h, cls);
  hk_unlock(&h->lock);
}

/* Fork waits until no heap is in the middle of a change, then holds every lock, so the child
 * inherits whole heaps and free locks. A fork that races the first allocation finishes the
 * init first (prepare may run before any allocation, or while another thread initialises). */
static void hk_fork_prepare(void) {
  hk_init();
  hk_slots_fork_prepare();
  hk_lock(&hk_heaps_lock);
  for (hk_heap_t *h = hk_heaps_all; h; h = h->next_all) hk_lock(&h->lock);
  hk_slots_lock_all();
}

static void hk_fork_parent(void) {
  hk_slots_unlock_all();
  for (hk_heap_t *h = hk_heaps_all; h; h = h->next_all) hk_unlock(&h->lock);
  hk_unlock(&hk_heaps_lock);
  hk_slots_fork_parent();
}

/* Only the forking thread exists in the child: every other active heap becomes an orphan.
 * Blocks that sat in the other threads' front caches are lost to the child, nothing more. */
static void hk_fork_child(void) {
  hk_slots_reset_locks();
  for (hk_heap_t *h = hk_heaps_all; h; h = h->next_all) {
    hk_lock_reset(&h->lock);
    if (h->state == HK_HEAP_ACTIVE && h != hk_tls_heap) {
      __atomic_store_n(&h->state, HK_HEAP_ORPHAN, __ATOMIC_RELAXED);
      h->next_orphan = hk_heaps_orphans;
      __atomic_store_n(&hk_heaps_orphans, h, __ATOMIC_RELAXED);
    }
  }
  hk_lock_reset(&hk_heaps_lock);
  hk_slots_fork_child();
}

/* Initialise at load: the fork handlers are then in place before main and its threads. */
__attribute__((constructor)) static void hk_init_at_load(void) { hk_init(); }

/* ---- consistency check (probe core/heaps_check: tests, the fork soak) ---- */

/* Every heap, each under its lock (safe at any time). */
static int64_t hk_heaps_check(void) {
  int64_t bad = 0;
  hk_lock(&hk_heaps_lock);
  for (hk_heap_t *h = hk_heaps_all; h; h = h->next_all) {
    hk_lock(&h->lock);
    bad += hk_refill_check(h);
    hk_unlock(&h->lock);
  }
  hk_unlock(&hk_heaps_lock);
  return bad;
}
