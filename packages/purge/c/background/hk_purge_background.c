/* purge/background — decay's time rule (purge/common) with the passes run by a thread of
 * hakmem's own: a program that goes idle after a burst sees its RSS fall without calling the
 * allocator again. While the thread runs, the program's slow paths only publish the clock for
 * stamps; if it cannot be started, they run the passes themselves, as decay's do.
 *
 * Started lazily, once HK_PURGE_START_BYTES (2 MiB) have come to rest or been freed into
 * exited threads' heaps (a slab counts 64 KiB, whatever came to rest), by the next slow path
 * that holds no allocator lock (hk_purge_unlocked: a malloc miss, a free that drained the
 * front, a large free; hk_purge_orphan_freed), never at load: a process that never frees much
 * never has it. pthread_create may allocate; its malloc comes back here and finds the start
 * already claimed. The thread blocks every signal, never allocates (it has no heap) and is
 * detached: process exit ends it.
 *
 * Sleeps without waking while nothing waits to go back: after a pass, if nothing came to rest
 * and nothing was freed into an exited thread's heap within the delay (everything that rested
 * is gone, or was reused), it waits on a futex until the next such event (hk_purge_rested:
 * one relaxed store, and an exchange and a futex wake only when the thread waits); otherwise
 * it sleeps delayMs/4 (at least 10 ms) and passes again. So an idle process is back within
 * about delay + delay/4 of its last free, and an idle process with nothing to give back makes
 * no wake-ups (probe `wakeups` counts them).
 *
 * Fork: the thread holds hk_purge_pass_lock through a pass, which holds pool lists in hand, so
 * prepare takes that lock first (before the heaps lock: a pass may try the heaps lock, never
 * wait for it); the child resets it and forgets the thread (it does not exist there), and the
 * child's next unlocked slow path after as much again has rested starts its own. */

#include "hk_purge_passes.h"

enum { HK_PURGE_IDLE, HK_PURGE_STARTING, HK_PURGE_RUNNING, HK_PURGE_NO_THREAD };
enum { HK_PURGE_START_BYTES = 2u << 20, HK_PURGE_REST_BYTES = 64u << 10 };

static int hk_purge_thread_state; /* enum above; claimed from IDLE by CAS */
static hk_lock_t hk_purge_pass_lock = HK_LOCK_INIT;
static __thread uint32_t hk_purge_events;
static uint64_t hk_purge_rest_bytes; /* counted until the thread starts (then no longer) */
static uint64_t hk_purge_last_rest;  /* the clock (ms) of the newest rest */
static uint32_t hk_purge_sleeping;   /* 1 while the thread waits for something to rest */
static uint64_t hk_purge_wakeups;    /* the thread's wake-ups, timed or woken (probe `wakeups`) */

/* Something waits to go back: it rested now (hk_purge_stamp) or waits in an orphan's queue.
 * The caller may hold the pool's or the large cache's lock: no allocation, no waiting. */
static void hk_purge_waits(uint64_t bytes) {
  int running = __atomic_load_n(&hk_purge_thread_state, __ATOMIC_RELAXED) == HK_PURGE_RUNNING;
  /* a sleeping thread publishes no clock: read it, or this rest would be stamped as old as the
   * thread's last pass and go back at its next one, without the delay */
  if (running && __atomic_load_n(&hk_purge_sleeping, __ATOMIC_RELAXED))
    __atomic_store_n(&hk_purge_clock, hk_clock_ms(), __ATOMIC_RELAXED);
  __atomic_store_n(&hk_purge_last_rest, __atomic_load_n(&hk_purge_clock, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
  if (!running) {
    __atomic_fetch_add(&hk_purge_rest_bytes, bytes, __ATOMIC_RELAXED);
    return;
  }
  /* store last_rest, then load sleeping; the thread stores sleeping, then loads last_rest:
   * without the fence both loads could see the old values and the wake would be lost */
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (__atomic_load_n(&hk_purge_sleeping, __ATOMIC_RELAXED) &&
      __atomic_exchange_n(&hk_purge_sleeping, 0, __ATOMIC_ACQ_REL))
    hk_os_wake(&hk_purge_sleeping);
}

static void hk_purge_rested(void) { hk_purge_waits(HK_PURGE_REST_BYTES); }

/* The last pass gave back everything that rested (all of it was stamped before its cut), and
 * nothing has rested since. A pass that was not due (the coarse clock lags the thread's sleep)
 * moves no cut, so the thread passes again instead of sleeping on what still rests. */
static int hk_purge_nothing_waits(void) {
  return __atomic_load_n(&hk_purge_last_rest, __ATOMIC_RELAXED) < __atomic_load_n(&hk_purge_cut, __ATOMIC_RELAXED);
}

static void *hk_purge_thread(void *arg) {
  (void)arg;
  uint64_t ms = hk_purge_step() < 10 ? 10 : hk_purge_step();
  for (;;) {
    if (hk_purge_nothing_waits()) {
      __atomic_store_n(&hk_purge_sleeping, 1, __ATOMIC_SEQ_CST);
      /* a rest between the test and the store above has set last_rest: look again */
      if (hk_purge_nothing_waits())
        while (__atomic_load_n(&hk_purge_sleeping, __ATOMIC_ACQUIRE)) hk_os_wait(&hk_purge_sleeping, 1);
      __atomic_store_n(&hk_purge_sleeping, 0, __ATOMIC_RELAXED);
    }
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
    __atomic_fetch_add(&hk_purge_wakeups, 1, __ATOMIC_RELAXED);
    hk_lock(&hk_purge_pass_lock);
    hk_purge_pass();
    hk_unlock(&hk_purge_pass_lock);
  }
  return NULL;
}

static HK_COLD void hk_purge_thread_start(void) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread inherits it: no signal lands there */
  pthread_attr_t attr;
  int ok = pthread_attr_init(&attr) == 0;
  if (ok) {
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_t t;
    ok = pthread_create(&t, &attr, hk_purge_thread, NULL) == 0;
    pthread_attr_destroy(&attr);
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  __atomic_store_n(&hk_purge_thread_state, ok ? HK_PURGE_RUNNING : HK_PURGE_NO_THREAD, __ATOMIC_RELEASE);
}

static void hk_purge_unlocked(void) {
  if (HK_LIKELY(__atomic_load_n(&hk_purge_thread_state, __ATOMIC_RELAXED) != HK_PURGE_IDLE)) return;
  if (__atomic_load_n(&hk_purge_rest_bytes, __ATOMIC_RELAXED) < HK_PURGE_START_BYTES) return;
  int idle = HK_PURGE_IDLE;
  if (__atomic_compare_exchange_n(&hk_purge_thread_state, &idle, HK_PURGE_STARTING, false, __ATOMIC_ACQ_REL,
                                  __ATOMIC_RELAXED))
    hk_purge_thread_start();
}

static void hk_purge_orphan_freed(size_t bytes) {
  hk_purge_waits(bytes);
  hk_purge_unlocked();
}

static void hk_purge_tick(void) {
  if (++hk_purge_events % HK_PURGE_CLOCK_EVERY) return;
  if (__atomic_load_n(&hk_purge_thread_state, __ATOMIC_RELAXED) == HK_PURGE_RUNNING)
    __atomic_store_n(&hk_purge_clock, hk_clock_ms(), __ATOMIC_RELAXED);
  else hk_purge_pass();
}

static void hk_purge_init(void) {
  hk_purge_pass_init();
  hk_purge_limit_init();
}

static void hk_purge_fork_prepare(void) { hk_lock(&hk_purge_pass_lock); }
static void hk_purge_fork_parent(void) { hk_unlock(&hk_purge_pass_lock); }
static void hk_purge_fork_child(void) {
  hk_lock_reset(&hk_purge_pass_lock);
  __atomic_store_n(&hk_purge_thread_state, HK_PURGE_IDLE, __ATOMIC_RELAXED);
  __atomic_store_n(&hk_purge_sleeping, 0, __ATOMIC_RELAXED);
  /* what rests in the child was inherited: a child that rests little more starts no thread */
  __atomic_store_n(&hk_purge_rest_bytes, 0, __ATOMIC_RELAXED);
}

static int hk_purge_probe(enum hk_purge_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_PURGE_THREAD:
    *out = __atomic_load_n(&hk_purge_thread_state, __ATOMIC_RELAXED) == HK_PURGE_RUNNING;
    return 0;
  case HK_PROBE_PURGE_WAKEUPS:
    *out = (int64_t)__atomic_load_n(&hk_purge_wakeups, __ATOMIC_RELAXED);
    return 0;
  HK_PURGE_PASS_PROBES:
    return hk_purge_pass_probe(p, out);
  HK_PURGE_LIMIT_PROBES:
    return hk_purge_limit_probe(p, arg, out);
  }
  return -1;
}
