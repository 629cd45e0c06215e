/* purge/eager — no clock: what comes to rest in the pool past keepSlabs resident slabs gives
 * its pages back at once (0: everything, at once). The lowest RSS, at the price of an madvise
 * and the page faults of the next use for every slab that empties (the lean variant's choice).
 * The large cache keeps only its capacity rule. */

static int hk_purge_keep(int64_t resident) { return resident < HK_CFG_PURGE_KEEP_SLABS; }
static uint64_t hk_purge_stamp(void) { return 0; }
static void hk_purge_tick(void) {}
static void hk_purge_init(void) {}

static int hk_purge_probe(const char *name, int64_t arg, int64_t *out) {
  (void)arg;
  if (!strcmp(name, "delay_ms")) { *out = 0; return 0; }
  if (!strcmp(name, "passes") || !strcmp(name, "released")) { *out = 0; return 0; }
  return -1;
}
