/* Internal assertions (tunable core.asserts): prints "asserts=<0|1>" from the core's probe.
 * With the argument "fail" it then makes one assertion fail on purpose (probe core/asserts
 * with arg 1): a variant with assertions aborts with the expression, file and line; one
 * without them returns and the program ends normally. */
#include "hk_test.h"

int main(int argc, char **argv) {
  hk_require_hakmem();
  int64_t on = -1;
  CHECK(hk_probe("core", "asserts", 0, &on), "no core/asserts probe");
  CHECK(on == 0 || on == 1, "core/asserts says %lld", (long long)on);
  printf("asserts=%lld\n", (long long)on);
  fflush(stdout);
  /* the heaps stay consistent under a workload with assertions compiled in */
  void *p[4096];
  for (int r = 0; r < 8; r++) {
    for (int i = 0; i < 4096; i++) CHECK((p[i] = malloc(16 + (size_t)(i * 7 + r) % 3000)) != NULL, "malloc failed");
    for (int i = 0; i < 4096; i += 2) free(p[i]);
    for (int i = 1; i < 4096; i += 2) free(p[i]);
  }
  int64_t bad = -1;
  CHECK(hk_probe("core", "heaps_check", 0, &bad) && bad == 0, "heaps_check says %lld", (long long)bad);
  if (argc > 1 && !strcmp(argv[1], "fail")) {
    int64_t out;
    hk_probe("core", "asserts", 1, &out);
    printf("returned\n");
  }
  hk_done();
}
