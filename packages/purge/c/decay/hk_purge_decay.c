/* purge/decay — what has rested in the pool or the large cache for longer than delayMs goes
 * back to the OS; until then it stays resident, so a slab that empties and fills again within
 * the delay costs no madvise, no page fault and no TLB shoot-down. At most maxSlabs resting
 * slabs stay resident (past that, at once): capacity and time are separate tunables.
 *
 * Amortised on slow paths: hk_purge_tick reads the clock on one call in HK_PURGE_CLOCK_EVERY
 * and keeps the value for the stamps of what comes to rest meanwhile (so a stamp is at most
 * that many slow paths old: it errs towards purging early). One thread at a time, at most
 * every delayMs/4, runs a pass: collect the queues of exited threads' heaps (their emptied
 * slabs come to rest), then give back the pool's slabs and chunks and the large cache's
 * mappings stamped before now - delayMs, oldest first. A program that stops calling the
 * allocator keeps what rests until it calls again or malloc_trim (the background box purges
 * on a schedule instead). HAKMEM_PURGE_DELAY_MS overrides delayMs at start-up. */

enum { HK_PURGE_CLOCK_EVERY = 8 };

static uint64_t hk_purge_delay = HK_CFG_PURGE_DELAY_MS;   /* set once, at start-up */
static uint64_t hk_purge_clock;       /* the last clock read (ms) */
static uint64_t hk_purge_next;        /* no pass before this (ms); a pass is claimed by CAS */
static uint64_t hk_purge_passes, hk_purge_released;        /* for the probes */
static __thread uint32_t hk_purge_events;

static int hk_purge_keep(int64_t resident) { return resident < HK_CFG_PURGE_MAX_SLABS; }

static uint64_t hk_purge_stamp(void) { return __atomic_load_n(&hk_purge_clock, __ATOMIC_RELAXED); }

static void hk_purge_tick(void) {
  if (++hk_purge_events % HK_PURGE_CLOCK_EVERY) return;
  uint64_t now = hk_clock_ms();
  __atomic_store_n(&hk_purge_clock, now, __ATOMIC_RELAXED);
  uint64_t next = __atomic_load_n(&hk_purge_next, __ATOMIC_RELAXED);
  if (now < next) return;
  uint64_t step = hk_purge_delay / 4 ? hk_purge_delay / 4 : 1;
  if (!__atomic_compare_exchange_n(&hk_purge_next, &next, now + step, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) return;
  hk_orphans_reclaim();
  uint64_t before = now > hk_purge_delay ? now - hk_purge_delay : 0;
  size_t bytes = hk_pool_purge(before) + hk_large_purge(before);
  __atomic_fetch_add(&hk_purge_passes, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&hk_purge_released, bytes, __ATOMIC_RELAXED);
}

static void hk_purge_init(void) {
  hk_purge_delay = hk_purge_env_u64("HAKMEM_PURGE_DELAY_MS", HK_CFG_PURGE_DELAY_MS, 3600000, "milliseconds");
  __atomic_store_n(&hk_purge_clock, hk_clock_ms(), __ATOMIC_RELAXED);
}

static int hk_purge_probe(const char *name, int64_t arg, int64_t *out) {
  (void)arg;
  if (!strcmp(name, "delay_ms")) { *out = (int64_t)hk_purge_delay; return 0; }
  if (!strcmp(name, "passes")) { *out = (int64_t)__atomic_load_n(&hk_purge_passes, __ATOMIC_RELAXED); return 0; }
  if (!strcmp(name, "released")) { *out = (int64_t)__atomic_load_n(&hk_purge_released, __ATOMIC_RELAXED); return 0; }
  return -1;
}
