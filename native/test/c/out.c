/* hk_out_t, the one writer of hakmem's messages and reports (native/base/hk_out.h), on its own:
 * each conversion it knows against the text printf would write, the buffer sink's snprintf
 * contract (what does not fit is counted, the text ends in a NUL), text longer than its own
 * buffer, columns, a descriptor and a sink of the caller's. Compiled against native/base only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hk_out.h"

static int checks, failed;

static void expect_text(const char *got, const char *want, const char *what) {
  checks++;
  if (strcmp(got, want) != 0) {
    failed++;
    fprintf(stderr, "FAIL %s: got [%s] want [%s]\n", what, got, want);
  }
}

static void expect_num(unsigned long long got, unsigned long long want, const char *what) {
  checks++;
  if (got != want) {
    failed++;
    fprintf(stderr, "FAIL %s: got %llu want %llu\n", what, got, want);
  }
}

/* The conversions, against the C library's own snprintf. */
#define SAME_AS_PRINTF(...)                                      \
  do {                                                           \
    char got[256], want[256];                                    \
    hk_out_t o;                                                  \
    hk_out_mem(&o, got, sizeof got);                             \
    hk_out_printf(&o, __VA_ARGS__);                              \
    size_t n = hk_out_end(&o);                                   \
    int w = snprintf(want, sizeof want, __VA_ARGS__);            \
    expect_text(got, want, #__VA_ARGS__);                        \
    expect_num(n, (unsigned long long)w, "count " #__VA_ARGS__); \
  } while (0)

static size_t sunk;
static void count_sink(hk_out_t *o, const char *s, size_t n) {
  (void)s;
  sunk += n;
  *(int *)o->ctx += 1;
}

int main(void) {
  SAME_AS_PRINTF("plain text");
  SAME_AS_PRINTF("%d %i %d %d", 0, -1, 2147483647, -2147483647 - 1);
  SAME_AS_PRINTF("%u %lu %llu %zu", 7u, 123456789ul, 18446744073709551615ull, (size_t)42);
  SAME_AS_PRINTF("%ld %lld %lld", -5l, -9223372036854775807ll - 1, 9223372036854775807ll);
  SAME_AS_PRINTF("%x %lx %llx", 255u, 0xdeadbeeful, 0x123456789abcdefull);
  SAME_AS_PRINTF("%p %p", (void *)0x1000, (void *)0x7fffdeadbeef);
  SAME_AS_PRINTF("[%s] [%c] [%%]", "str", 'z');
  SAME_AS_PRINTF("[%5s] [%-5s] [%.3s] [%.*s] [%5.2s]", "ab", "ab", "abcdef", 2, "xyz", "xyz");
  SAME_AS_PRINTF("[%6d] [%-6d] [%*d] [%-*d] [%*d]", 42, -42, 4, 7, 4, 7, -4, 7);
  SAME_AS_PRINTF("[%8llu] [%-8llu]", 12345ull, 12345ull);
  SAME_AS_PRINTF("%hhd %hd", 5, 300);

  /* A buffer too small: snprintf's contract. */
  char small[8];
  hk_out_t o;
  hk_out_mem(&o, small, sizeof small);
  hk_out_printf(&o, "%s%d", "012345", 6789);
  expect_num(hk_out_end(&o), 10, "count past the buffer");
  expect_text(small, "0123456", "cut at cap - 1, NUL-terminated");
  hk_out_mem(&o, NULL, 0);
  hk_out_str(&o, "counted only");
  expect_num(hk_out_end(&o), 12, "NULL buffer: counted");

  /* Longer than the writer's own buffer: sunk in pieces, in order. */
  static char big[2000], want[2000];
  for (int i = 0; i < 1000; i++) want[i] = (char)('a' + i % 26);
  want[1000] = 0;
  hk_out_mem(&o, big, sizeof big);
  hk_out_str(&o, want);
  expect_num(hk_out_end(&o), 1000, "long text count");
  expect_text(big, want, "long text");
  hk_out_mem(&o, big, 300);
  hk_out_str(&o, want);
  expect_num(hk_out_end(&o), 1000, "long text, small buffer: count");
  expect_num(strlen(big), 299, "long text, small buffer: cut");
  expect_num(memcmp(big, want, 299) == 0, 1, "long text, small buffer: the first bytes");

  /* Columns count from the last newline. */
  char col[64];
  hk_out_mem(&o, col, sizeof col);
  hk_out_str(&o, "ab");
  hk_out_pad(&o, 6);
  hk_out_str(&o, "c\nd");
  hk_out_pad(&o, 3);
  hk_out_str(&o, "e");
  hk_out_pad(&o, 2);
  hk_out_str(&o, "f");
  hk_out_end(&o);
  expect_text(col, "ab    c\nd  ef", "pad to columns");

  /* A descriptor: everything arrives, through write(2). */
  int fds[2];
  if (pipe(fds) != 0) return 2;
  hk_out_fd(&o, fds[1]);
  for (int i = 0; i < 100; i++) hk_out_printf(&o, "line %d\n", i);
  size_t n = hk_out_end(&o);
  close(fds[1]);
  static char got[4096];
  size_t have = 0;
  ssize_t r;
  while ((r = read(fds[0], got + have, sizeof got - 1 - have)) > 0) have += (size_t)r;
  got[have] = 0;
  expect_num(have, n, "descriptor: every byte");
  expect_num(strncmp(got, "line 0\nline 1\n", 14) == 0 && strstr(got, "line 99\n") != NULL, 1, "descriptor: text");

  /* A sink of the caller's, with its target in ctx: called per full buffer, then at the end. */
  int calls = 0;
  hk_out_to(&o, count_sink, &calls);
  for (int i = 0; i < 600; i++) hk_out_put(&o, "x", 1);
  expect_num(calls, 2, "sink: two full buffers before the end");
  hk_out_end(&o);
  expect_num(calls, 3, "sink: the rest at the end");
  expect_num(sunk, 600, "sink: every byte");

  if (failed) return 1;
  printf("ok %d checks\n", checks);
  return 0;
}
