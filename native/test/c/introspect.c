/* glibc's introspection calls answered by hakmem: mallinfo2 follows 100 MiB of small blocks
 * allocated and freed (uordblks exactly, in a program with one thread: each block counts its
 * stride), and a large block (hblks, hblkhd); mallinfo agrees; malloc_info lists the blocks in
 * use per class; mallopt takes what maps onto hakmem's parameters; malloc_stats writes a
 * summary on stderr. Prints the figures it saw. */
#include "hk_test.h"
#include <malloc.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define SLACK (64 * 1024) /* other allocations of the program (stdio) between two readings */

static long long diff(size_t a, size_t b) { return (long long)a - (long long)b; }

int main(void) {
  hk_require_hakmem();
  enum { SIZE = 1024, N = 100 * 1024 * 1024 / SIZE };
  int64_t cls = -1, stride = 0;
  int64_t csize = 0; /* the class's size: SIZE, or above it when the block box keeps a tail */
  CHECK(hk_probe("core", "class_of", SIZE + hk_test_tail(), &cls) && hk_probe("core", "class_stride", cls, &stride) &&
            hk_probe("core", "class_size", cls, &csize),
        "no class probes");
  static void *p[N];
  struct mallinfo2 m0 = mallinfo2();
  for (int i = 0; i < N; i++) CHECK((p[i] = malloc(SIZE)) != NULL, "malloc %d failed", i);
  struct mallinfo2 m1 = mallinfo2();
  /* malloc_info: per class, the blocks in use and their bytes */
  static char xml[64 * 1024];
  FILE *fp = fmemopen(xml, sizeof xml - 1, "w");
  CHECK(fp != NULL, "fmemopen");
  CHECK(malloc_info(0, fp) == 0, "malloc_info failed");
  fclose(fp);
  char want_size[128];
  snprintf(want_size, sizeof want_size, "to=\"%lld\" total=\"%lld\" count=\"", (long long)csize, (long long)N * stride);
  const char *at = strstr(xml, want_size);
  CHECK(strncmp(xml, "<malloc version=\"1\">", 20) == 0 && strstr(xml, "</malloc>") != NULL, "malloc_info: %.200s",
        xml);
  CHECK(at != NULL && atoll(at + strlen(want_size)) == N, "malloc_info has no class to=%lld with %d blocks: %.600s",
        (long long)csize, N, xml);
  errno = 0;
  CHECK(malloc_info(1, stdout) == -1 && errno == EINVAL, "malloc_info(1) must fail with EINVAL");
  long long grown = diff(m1.uordblks, m0.uordblks), want = (long long)N * stride;
  CHECK(grown >= want - SLACK && grown <= want + SLACK, "uordblks grew by %lld for %lld bytes of blocks", grown, want);
  CHECK(m1.arena >= m1.uordblks && m1.fordblks == m1.arena - m1.uordblks, "arena %zu, uordblks %zu, fordblks %zu",
        m1.arena, m1.uordblks, m1.fordblks);
  for (int i = 0; i < N; i++) free(p[i]);
  struct mallinfo2 m2 = mallinfo2();
  long long left = diff(m2.uordblks, m0.uordblks);
  CHECK(left >= -SLACK && left <= SLACK, "uordblks is %lld bytes off where it was after everything was freed", left);

  size_t big = 8u << 20;
  void *b = malloc(big);
  CHECK(b != NULL, "malloc(8 MiB)");
  struct mallinfo2 m3 = mallinfo2();
  CHECK(m3.hblks == m2.hblks + 1 && m3.hblkhd >= m2.hblkhd + big, "hblks %zu -> %zu, hblkhd %zu -> %zu", m2.hblks,
        m3.hblks, m2.hblkhd, m3.hblkhd);
  long long large = diff(m3.uordblks, m2.uordblks);
  CHECK(large >= (long long)big && large <= (long long)big + SLACK, "uordblks grew by %lld for 8 MiB", large);
  struct mallinfo old = mallinfo();
  CHECK(old.hblks == (int)m3.hblks && old.arena == (int)(m3.arena > 0x7fffffff ? 0x7fffffff : m3.arena),
        "mallinfo disagrees: hblks %d, arena %d", old.hblks, old.arena);
  CHECK(m3.keepcost <= m3.arena, "keepcost %zu above arena %zu", m3.keepcost, m3.arena);
  free(b);
  struct mallinfo2 m4 = mallinfo2();
  CHECK(m4.hblks == m2.hblks, "hblks %zu after the free (was %zu)", m4.hblks, m2.hblks);

  /* mallopt: what maps onto hakmem's parameters, and 0 for the rest */
  CHECK(mallopt(M_ARENA_MAX, 2) == 1, "mallopt(M_ARENA_MAX) is accepted");
  CHECK(mallopt(M_MMAP_THRESHOLD, 1 << 20) == 0, "mallopt(M_MMAP_THRESHOLD) is not hakmem's to change");
  CHECK(mallopt(M_TOP_PAD, 0) == 0, "mallopt(M_TOP_PAD) has no counterpart");
  CHECK(mallopt(M_TRIM_THRESHOLD, 0) == 1, "mallopt(M_TRIM_THRESHOLD) sets the purge slot's capacity");
  /* with nothing allowed to rest resident, what comes to rest gives its pages back at once */
  size_t before = mallinfo2().keepcost;
  for (int i = 0; i < N / 2; i++) CHECK((p[i] = malloc(SIZE)) != NULL, "malloc %d failed", i);
  for (int i = 0; i < N / 2; i++) free(p[i]);
  size_t after = mallinfo2().keepcost;
  CHECK(after <= before, "keepcost grew from %zu to %zu with M_TRIM_THRESHOLD 0", before, after);

  malloc_stats();
  printf("uordblks grew=%lld want=%lld left=%lld arena=%zu keepcost=%zu trimmed_keepcost=%zu->%zu\n", grown, want, left,
         m1.arena, m4.keepcost, before, after);
  hk_done();
}
