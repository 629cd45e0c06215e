/* purge/common — what the purge boxes share: runtime options read at start-up without
 * allocating. A bad value prints one line naming the variable and what it accepts, and the
 * built-in value stays. */

#include "hk_purge_limits.h"

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

/* The value of environment variable `name` as a size in bytes: digits with an optional K, M
 * or G (binary multiples; "512M"), or `dflt`; 0 means none. */
static uint64_t hk_purge_env_size(const char *name, uint64_t dflt) {
  const char *v = getenv(name);
  if (!v || !*v) return dflt;
  uint64_t x = 0;
  const char *c = v;
  int digits = 0;
  for (; *c >= '0' && *c <= '9' && x < ((uint64_t)1 << 50); c++, digits++) x = x * 10 + (uint64_t)(*c - '0');
  unsigned shift = 0;
  if (*c == 'K' || *c == 'k') shift = 10;
  else if (*c == 'M' || *c == 'm') shift = 20;
  else if (*c == 'G' || *c == 'g') shift = 30;
  if (shift) c++;
  if (digits && !*c && x < ((uint64_t)1 << 50) >> shift) return x << shift;
  hk_line_t l = { .len = 0 };
  hk_line_str(&l, "hakmem: ");
  hk_line_str(&l, name);
  hk_line_str(&l, " must be a size in bytes, with an optional K, M or G (512M); keeping ");
  hk_line_u64(&l, dflt);
  hk_line_str(&l, "\n");
  hk_line_write(&l, 2);
  return dflt;
}
