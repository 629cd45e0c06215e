/* attack.h — what every attack program shares: the verdict line, the blocks it holds, and the
 * hunts that look for what an attack was after. run.ts (next to it) runs each program under
 * each allocator and reads the verdict:
 *   `SILENT: <what>`, exit 3: the attack reached its goal and nothing stopped it;
 *   `INTACT`, exit 0:         the bad operation was refused or ignored and the heap stayed sound;
 *   `N/A: <why>`, exit 4:     the allocator has nothing the attack could aim at;
 *   `ERROR: <why>`, exit 2:   the program could not set the attack up (a bug of the program);
 *   a signal (SIGABRT, SIGSEGV, ...): the allocator stopped the process.
 * Verdicts are written with write(2) and the program leaves with _exit: after an attack the
 * heap may be corrupt, and stdio's buffers or exit handlers must not decide the verdict.
 *
 * Allocators may randomise or delay reuse (shuffled free lists, quarantine), so a hunt
 * allocates up to HUNT_MAX blocks and keeps every one live while it looks: a block handed out
 * twice then shows as two held blocks that overlap. */
#ifndef ATTACK_H
#define ATTACK_H

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The attacks use freed and foreign pointers on purpose. */
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#pragma GCC diagnostic ignored "-Wuse-after-free"

#define ATTACK_SIZE 64 /* the small class every small attack uses */
#define HUNT_MAX    4096
#define HELD_MAX    (3 * HUNT_MAX)
#define LARGE_SIZE  ((size_t)1 << 20)

/* Writes one verdict line ("<tag><message>") and leaves at once. */
static __attribute__((unused, noreturn)) void attack_end(int code, const char *tag, const char *fmt, va_list ap) {
  char line[600];
  int n = snprintf(line, sizeof line, "%s", tag);
  if (fmt) n += vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
  if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
  line[n++] = '\n';
  ssize_t w = write(1, line, (size_t)n);
  (void)w;
  _exit(code);
}

#define ATTACK_VERDICT(name, code, tag)                                                            \
  static __attribute__((unused, noreturn, format(printf, 1, 2))) void name(const char *fmt, ...) { \
    va_list ap;                                                                                    \
    va_start(ap, fmt);                                                                             \
    attack_end(code, tag, fmt, ap);                                                                \
  }
ATTACK_VERDICT(silent, 3, "SILENT: ")
ATTACK_VERDICT(not_applicable, 4, "N/A: ")
ATTACK_VERDICT(setup_failed, 2, "ERROR: ")
ATTACK_VERDICT(intact_because, 0, "INTACT")

#define intact() intact_because("%s", "")

/* Hides a pointer from the optimiser, so a use after free or a bad free stays in the program. */
static __attribute__((unused)) void *opaque(void *p) {
  void *volatile v = p;
  return v;
}

/* Is a hakmem variant serving this process? (For the few attacks that aim at its layout.) */
static __attribute__((unused)) int hakmem_serves(void) { return dlsym(RTLD_DEFAULT, "hakmem_variant_name") != NULL; }

/* ---- the blocks the program holds: address and requested size ---- */
typedef struct {
  unsigned char *p;
  size_t n;
} held_t;

static held_t held[HELD_MAX];
static size_t held_count;

static __attribute__((unused)) void hold(void *p, size_t n) {
  if (held_count == HELD_MAX) setup_failed("more than %d blocks held", HELD_MAX);
  held[held_count].p = p;
  held[held_count++].n = n;
}

static __attribute__((unused)) void *take(size_t n) {
  void *p = malloc(n);
  if (!p) setup_failed("malloc(%zu) returned NULL", n);
  hold(p, n);
  return p;
}

/* Forget p (the program is about to free it). */
static __attribute__((unused)) void unhold(const void *p) {
  for (size_t i = 0; i < held_count; i++)
    if (held[i].p == p) {
      held[i] = held[--held_count];
      return;
    }
  setup_failed("unhold(%p): not held", p);
}

/* Shell sort by address; qsort may call malloc, which must not run inside a check. */
static __attribute__((unused)) void sort_held(held_t *a, size_t n) {
  static const size_t gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
  for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++)
    for (size_t i = gaps[g]; i < n; i++) {
      held_t t = a[i];
      size_t j = i;
      for (; j >= gaps[g] && a[j - gaps[g]].p > t.p; j -= gaps[g]) a[j] = a[j - gaps[g]];
      a[j] = t;
    }
}

/* Two held blocks that overlap: a block handed out twice while live. */
static __attribute__((unused)) void check_overlap(const char *after) {
  static held_t s[HELD_MAX];
  memcpy(s, held, held_count * sizeof s[0]);
  sort_held(s, held_count);
  for (size_t i = 1; i < held_count; i++)
    if (s[i - 1].p + s[i - 1].n > s[i].p)
      silent("%s: malloc handed out %p (%zu bytes) while %p (%zu bytes) was live", after, (void *)s[i].p, s[i].n,
             (void *)s[i - 1].p, s[i - 1].n);
}

/* Allocates up to n blocks of size bytes, all kept live; stops early when a block falls in
 * [lo, lo + len) (the attack's target) and returns it, else NULL. A block handed out while
 * already held ends the program at once: a corrupt free list may crash the next malloc (or
 * hand it to the allocator's own bookkeeping) and hide what already happened. Partial
 * overlaps are checked after. */
static __attribute__((unused)) void *hunt_for(size_t size, size_t n, const void *lo, size_t len) {
  for (size_t i = 0; i < n; i++) {
    unsigned char *r = malloc(size);
    if (!r) break;
    for (size_t k = 0; k < held_count; k++)
      if (held[k].p == r) silent("malloc handed out %p twice while it was live", (void *)r);
    hold(r, size);
    if (lo && r + size > (const unsigned char *)lo && r < (const unsigned char *)lo + len) return r;
  }
  return NULL;
}

/* The heap is sound: HUNT_MAX more blocks of size, none overlapping a held one, each holding
 * its own pattern after all were written. */
static __attribute__((unused)) void check_heap(size_t size, const char *after) {
  size_t first = held_count;
  hunt_for(size, HUNT_MAX, NULL, 0);
  check_overlap(after);
  for (size_t i = first; i < held_count; i++) memset(held[i].p, (int)(i * 7 + 1) & 0xff, size);
  for (size_t i = first; i < held_count; i++)
    for (size_t k = 0; k < size; k++)
      if (held[i].p[k] != ((i * 7 + 1) & 0xff))
        silent("%s: block %p was changed by writes to other blocks", after, (void *)held[i].p);
}

/* The distance between neighbouring blocks of size bytes (the class's stride), from count
 * blocks that stay held; *lo and *hi get one pair of neighbours (hi = lo + stride). */
static __attribute__((unused)) size_t neighbours(size_t size, size_t count, unsigned char **lo, unsigned char **hi) {
  static held_t s[HELD_MAX];
  size_t first = held_count;
  for (size_t i = 0; i < count; i++) take(size);
  size_t n = held_count - first, stride = SIZE_MAX;
  memcpy(s, held + first, n * sizeof s[0]);
  sort_held(s, n);
  for (size_t i = 1; i < n; i++) {
    size_t d = (size_t)(s[i].p - s[i - 1].p);
    if (d && d < stride) {
      stride = d;
      *lo = s[i - 1].p;
      *hi = s[i].p;
    }
  }
  if (stride == SIZE_MAX) setup_failed("no two blocks of %zu bytes apart", size);
  return stride;
}

/* Is every page of [p, p + len) mapped? (msync fails with ENOMEM if one is not.) */
static __attribute__((unused)) int mapped(const void *p, size_t len) {
  uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095;
  return msync((void *)a, (uintptr_t)p + len - a, MS_ASYNC) == 0 || errno != ENOMEM;
}

#endif
