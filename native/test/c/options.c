/* Runtime tunables: prints what the allocator runs with, through its probes, for the test to
 * compare with the environment it set (HAKMEM_REFILL_BATCH_BLOCKS, HAKMEM_FRONT_MAX_BLOCKS,
 * HAKMEM_LIMIT, ...). Then a little allocation, so the values are also in use. */
#include "hk_test.h"

static int64_t probe(const char *slot, const char *name, int64_t arg) {
  int64_t v = -1;
  CHECK(hk_probe(slot, name, arg, &v), "probe %s/%s is missing", slot, name);
  return v;
}

int main(void) {
  hk_require_hakmem();
  int64_t cls = probe("core", "class_of", 64 + hk_test_tail());
  printf("refill.batch=%lld\n", (long long)probe("refill", "batch", cls));
  printf("front.capacity=%lld\n", (long long)probe("front", "capacity", cls));
  printf("front.class_size=%lld\n", (long long)probe("core", "class_size", cls));
  printf("purge.hard_limit=%lld\n", (long long)probe("purge", "hard_limit", 0));
  void *p[1000];
  for (int i = 0; i < 1000; i++) CHECK((p[i] = malloc(64)) != NULL, "malloc(64)");
  for (int i = 0; i < 1000; i++) free(p[i]);
  int64_t count = probe("front", "count", cls);
  CHECK(count <= probe("front", "capacity", cls), "the front holds %lld blocks, past its capacity", (long long)count);
  hk_done();
}
