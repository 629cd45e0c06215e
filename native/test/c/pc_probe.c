/* pc_probe.c: built only with the flags from dist/<variant>/hakmem.pc (pkg-config), so it
 * proves the installed header and library work for an outside consumer.
 * Prints version=, variant= and json= lines for the driver to compare. */
#include "hk_test.h" /* first: it defines _GNU_SOURCE */

#include <hakmem.h>

int main(void) {
  hk_require_hakmem();
  const char *version = hakmem_version();
  const char *name = hakmem_variant_name();
  const char *json = hakmem_variant_json();
  CHECK(version && *version, "hakmem_version() is empty");
  CHECK(name && *name, "hakmem_variant_name() is empty");
  CHECK(json && json[0] == '{', "hakmem_variant_json() does not start with '{'");
  int64_t enabled = -1;
  CHECK(hakmem_probe("stats", "enabled", 0, &enabled) == 0, "hakmem_probe(stats, enabled) failed");
  CHECK(enabled == 0 || enabled == 1, "stats/enabled probe = %lld", (long long)enabled);
  int64_t dummy = 0;
  CHECK(hakmem_probe("no-such-slot", "no-such-probe", 0, &dummy) == -1, "unknown probe must return -1");
  hakmem_os_stats_t st;
  memset(&st, 0, sizeof st);
  hakmem_os_stats(&st);
  void *p = malloc(1000);
  CHECK(p != NULL, "malloc");
  free(p);
  printf("version=%s\nvariant=%s\njson=%s\n", version, name, json);
  hk_done();
}
