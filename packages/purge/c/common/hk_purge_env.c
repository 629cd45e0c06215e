/* purge/common — what the purge boxes share: a runtime option read at start-up without
 * allocating. A bad value prints one line naming the variable and what it accepts, and the
 * built-in value stays. */

/* The value of environment variable `name` as a number in [0, max], or `dflt`. */
static uint64_t hk_purge_env_u64(const char *name, uint64_t dflt, uint64_t max, const char *unit) {
  const char *v = getenv(name);
  if (!v || !*v) return dflt;
  uint64_t x = 0;
  const char *c = v;
  for (; *c >= '0' && *c <= '9' && x <= max; c++) x = x * 10 + (uint64_t)(*c - '0');
  if (!*c && x <= max) return x;
  hk_line_t l = { .len = 0 };
  hk_line_str(&l, "hakmem: ");
  hk_line_str(&l, name);
  hk_line_str(&l, " must be a whole number of ");
  hk_line_str(&l, unit);
  hk_line_str(&l, " from 0 to ");
  hk_line_u64(&l, max);
  hk_line_str(&l, "; keeping ");
  hk_line_u64(&l, dflt);
  hk_line_str(&l, "\n");
  hk_line_write(&l, 2);
  return dflt;
}
