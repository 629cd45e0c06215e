/* stats/off — observability compiled away: every hook is empty, so a release variant carries
 * no counter on any path. */

static inline void hk_stats_count(hk_event_t ev, uint32_t cls, uint64_t n) {
  (void)ev; (void)cls; (void)n;
}

static void hk_stats_init(void) {}

static int hk_stats_probe(const char *name, int64_t arg, int64_t *out) {
  (void)arg;
  if (!strcmp(name, "enabled")) { *out = 0; return 0; }
  return -1;
}
