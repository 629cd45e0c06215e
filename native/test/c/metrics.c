/* hakmem_metrics and hakmem_metrics_json (hakmem.h): allocated follows 10,000 blocks of 1 KiB
 * (exactly, one thread), the JSON's length contract, and, with HAKMEM_METRICS=<file> and
 * HAKMEM_METRICS_SIGNAL=1, a SIGUSR2 that writes the file while the blocks are live (the
 * program prints what the file then holds; at exit the file is rewritten). */
#include "hk_test.h"
#include <signal.h>
#include "../../include/hakmem.h" /* the extended API, from the source tree */

/* Found at run time: the plain build is linked against nothing, hakmem comes by LD_PRELOAD. */
static void (*metrics)(hakmem_metrics_t *);
static size_t (*metrics_json)(char *, size_t);

int main(void) {
  hk_require_hakmem();
  metrics = (void (*)(hakmem_metrics_t *))dlsym(RTLD_DEFAULT, "hakmem_metrics");
  metrics_json = (size_t(*)(char *, size_t))dlsym(RTLD_DEFAULT, "hakmem_metrics_json");
  CHECK(metrics && metrics_json, "hakmem_metrics is not exported");
  enum { SIZE = 1024, N = 10000 };
  int64_t cls = -1, stride = 0;
  int64_t csize = 0; /* the class's size: SIZE, or above it when the block box keeps a tail */
  CHECK(hk_probe("core", "class_of", SIZE + hk_test_tail(), &cls) && hk_probe("core", "class_stride", cls, &stride) &&
            hk_probe("core", "class_size", cls, &csize),
        "no class probes");
  printf("class_size=%lld\n", (long long)csize); /* the class malloc(SIZE) takes, for the test */
  hakmem_metrics_t a, b;
  metrics(&a);
  CHECK(a.version == HAKMEM_METRICS_VERSION, "version %u", a.version);
  static void *p[N];
  for (int i = 0; i < N; i++) CHECK((p[i] = malloc(SIZE)) != NULL, "malloc");
  metrics(&b);
  CHECK(b.allocated - a.allocated == (uint64_t)N * (uint64_t)stride, "allocated grew by %llu, want %llu",
        (unsigned long long)(b.allocated - a.allocated), (unsigned long long)N * (unsigned long long)stride);
  CHECK(b.class_blocks[cls] >= (uint64_t)N && b.class_size[cls] == csize, "class %lld: %llu blocks of %u",
        (long long)cls, (unsigned long long)b.class_blocks[cls], b.class_size[cls]);
  CHECK(b.allocated <= b.active && b.active <= b.mapped && b.metadata > 0 && b.threads == 1, "figures out of order");
  CHECK(b.resident > 0 && b.minor_faults > 0, "resident %llu, faults %llu", (unsigned long long)b.resident,
        (unsigned long long)b.minor_faults);

  char small[16];
  size_t need = metrics_json(small, sizeof small);
  CHECK(need > sizeof small && small[sizeof small - 1] == 0 && !strncmp(small, "{\"schema\":1", 11), "short buffer");
  CHECK(metrics_json(NULL, 0) >= need - 64, "length without a buffer");
  static char text[16384];
  size_t n = metrics_json(text, sizeof text);
  CHECK(n < sizeof text && strlen(text) == n && text[n - 1] == '}', "json of %zu bytes", n);

  const char *path = getenv("HAKMEM_METRICS");
  if (path && *path) {
    raise(SIGUSR2); /* the handler writes the file now, with the blocks live */
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "no metrics file after SIGUSR2");
    static char got[16384];
    size_t k = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    got[k] = 0;
    printf("signal_metrics=%s", got);
  }
  for (int i = 0; i < N; i++) free(p[i]);
  hk_done();
}
