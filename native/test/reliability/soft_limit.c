/* soft_limit.c — a soft limit holds RSS down where idle memory would take it over. Phase 1:
 * `mib` MiB of 1 KiB blocks, written and freed (under purge/decay they rest resident for the
 * delay). Phase 2, at once: `mib` MiB of 512 KiB blocks (large mappings: the resting slabs
 * cannot serve them), written. Without a limit RSS peaks near both phases together; with
 * HAKMEM_SOFT_LIMIT below that, the resting slabs go back before the large blocks are mapped.
 * Prints the peak RSS (VmHWM) and the probes; the test compares two runs.
 * Usage: soft_limit [mib=64]
 *        soft_limit cgroup DIR   (the limit a cgroup v2 directory's memory.high/.max set) */
#include "hk_test.h"

typedef int (*probe_fn)(const char *, const char *, int64_t, int64_t *);

int main(int argc, char **argv) {
  hk_require_hakmem();
  if (argc > 2 && !strcmp(argv[1], "cgroup")) { /* soft_limit cgroup DIR: the limit DIR's files set */
    probe_fn probe = (probe_fn)dlsym(RTLD_DEFAULT, "hakmem_probe");
    int64_t lim = -1;
    CHECK(probe && probe("purge", "cgroup_limit_of", (int64_t)(uintptr_t)argv[2], &lim) == 0, "probe cgroup_limit_of");
    printf("cgroup_limit=%lld\n", (long long)lim);
    hk_done();
  }
  size_t mib = (size_t)hk_arg_long(argc, argv, 1, 64);
  probe_fn probe = (probe_fn)dlsym(RTLD_DEFAULT, "hakmem_probe");
  CHECK(probe != NULL, "hakmem_probe not found");
  size_t small_n = (mib << 20) / 1024, large_n = (mib << 20) / (512 << 10);
  void **small = malloc(small_n * sizeof *small), **large = malloc(large_n * sizeof *large);
  CHECK(small && large, "malloc(index)");
  long base = hk_proc_status_kib("VmRSS");
  for (size_t i = 0; i < small_n; i++) {
    CHECK((small[i] = malloc(1024)) != NULL, "malloc(1 KiB)");
    memset(small[i], (int)(i & 0xff), 1024);
  }
  for (size_t i = 0; i < small_n; i++) free(small[i]);
  for (size_t i = 0; i < large_n; i++) {
    CHECK((large[i] = malloc(512 << 10)) != NULL, "malloc(512 KiB)");
    memset(large[i], (int)(i & 0xff), 512 << 10);
  }
  long peak = hk_proc_status_kib("VmHWM"), now = hk_proc_status_kib("VmRSS");
  for (size_t i = 0; i < large_n; i++) {
    const unsigned char *c = large[i];
    CHECK(c[0] == (unsigned char)(i & 0xff) && c[(512 << 10) - 1] == (unsigned char)(i & 0xff), "block %zu", i);
    free(large[i]);
  }
  int64_t limit = -1, passes = -1;
  CHECK(probe("purge", "soft_limit", 0, &limit) == 0, "probe purge.soft_limit");
  CHECK(probe("purge", "limit_passes", 0, &passes) == 0, "probe purge.limit_passes");
  printf("soft_limit=%lld KiB limit_passes=%lld baseline=%ld KiB peak=%ld KiB rss=%ld KiB\n", (long long)(limit >> 10),
         (long long)passes, base, peak, now);
  free(small);
  free(large);
  hk_done();
}
