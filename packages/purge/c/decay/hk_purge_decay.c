/* purge/decay — what rests goes back after delayMs (purge/common's time rule), in passes run
 * by the program's own slow paths: until then it stays resident, so a slab that empties and
 * fills again within the delay costs no madvise, no page fault and no TLB shoot-down.
 *
 * Amortised: hk_purge_tick reads the clock on one call in HK_PURGE_CLOCK_EVERY and keeps the
 * value for the stamps of what comes to rest meanwhile (so a stamp is at most that many slow
 * paths old: it errs towards purging early). A program that stops calling the allocator keeps
 * what rests until it calls again or malloc_trim (purge/background runs passes on a thread
 * instead). No thread, no lock: the fork hooks are empty. */

#include "hk_purge_passes.h"

static __thread uint32_t hk_purge_events;

static void hk_purge_tick(void) {
  if (++hk_purge_events % HK_PURGE_CLOCK_EVERY) return;
  hk_purge_pass();
}

static void hk_purge_unlocked(void) {}
static void hk_purge_orphan_freed(size_t bytes) { (void)bytes; }
static void hk_purge_rested(void) {}
static void hk_purge_init(void) {
  hk_purge_pass_init();
  hk_purge_limit_init();
}

static int hk_purge_probe(enum hk_purge_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_PURGE_THREAD: *out = 0; return 0;
  case HK_PROBE_PURGE_WAKEUPS: /* no thread: background's */
    return -1;
  HK_PURGE_PASS_PROBES:
    return hk_purge_pass_probe(p, out);
  HK_PURGE_LIMIT_PROBES:
    return hk_purge_limit_probe(p, arg, out);
  }
  return -1;
}
