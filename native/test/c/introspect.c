/* glibc's introspection calls answered by hakmem: mallinfo2 follows 100 MiB of small blocks
 * allocated and freed (uordblks exactly, in a program with one thread: each block counts its
 * stride), and a large block (hblks, hblkhd); mallinfo agrees; malloc_stats writes a summary
 * on stderr. Prints the figures it saw. */
#include "hk_test.h"
#include <malloc.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define SLACK (64 * 1024) /* other allocations of the program (stdio) between two readings */

static long long diff(size_t a, size_t b) { return (long long)a - (long long)b; }

int main(void) {
  hk_require_hakmem();
  enum { SIZE = 1024, N = 100 * 1024 * 1024 / SIZE };
  int64_t cls = -1, stride = 0;
  CHECK(hk_probe("core", "class_of", SIZE, &cls) && hk_probe("core", "class_stride", cls, &stride), "no class probes");
  static void *p[N];
  struct mallinfo2 m0 = mallinfo2();
  for (int i = 0; i < N; i++) CHECK((p[i] = malloc(SIZE)) != NULL, "malloc %d failed", i);
  struct mallinfo2 m1 = mallinfo2();
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

  malloc_stats();
  printf("uordblks grew=%lld want=%lld left=%lld arena=%zu keepcost=%zu\n", grown, want, left, m1.arena, m4.keepcost);
  hk_done();
}
