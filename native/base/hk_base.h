/* hk_base.h — compiler helpers, build mode and the small lock every cold path shares. */
#ifndef HK_BASE_H
#define HK_BASE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
#include <errno.h>

#define HK_LIKELY(x)   __builtin_expect(!!(x), 1)
#define HK_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define HK_INLINE      static inline __attribute__((always_inline))
#define HK_NOINLINE    __attribute__((noinline))
#define HK_COLD        __attribute__((noinline, cold))
#define HK_CACHE_LINE  64

/* HK_BUILD_ADDON is passed by the composer: 0 for libhakmem.so/.a (the malloc names are
 * exported), 1 for hakmem.node (prefixed, hidden names only). It only selects names in the
 * core's surface; the TLS model comes from -ftls-model. */
#ifndef HK_BUILD_ADDON
#define HK_BUILD_ADDON 0
#endif

/* HK_API marks every name of the library's surface — the malloc family, glibc's extensions,
 * the hakmem.h API — and is the only export macro: libhakmem.so/.a export them; hakmem.node
 * hides them, so loading the addon never replaces Node's malloc. HK_NAME gives the malloc
 * family and glibc's extensions their names: their own in the library, hakmem_* in the addon
 * (whose glue calls those). */
#if HK_BUILD_ADDON
#define HK_API        __attribute__((visibility("hidden")))
#define HK_NAME(name) hakmem_##name
#else
#define HK_API        __attribute__((visibility("default")))
#define HK_NAME(name) name
#endif

/* Internal assertions on slab and heap invariants, for slow paths only. Compiled in where the
 * variant's tunable core.asserts asks (the debug variant): a failed one prints
 * "hakmem: internal assertion failed: <expr> at <file>:<line>" and aborts. Elsewhere the test
 * is `if (0 && ...)`: no code, and the release hot paths do not change. */
#define HK_ASSERT(c)                                                                      \
  do {                                                                                    \
    if (HK_CFG_CORE_ASSERTS && HK_UNLIKELY(!(c))) hk_assert_fail(#c, __FILE__, __LINE__); \
  } while (0)
static void hk_assert_fail(const char *expr, const char *file, int line); /* hk_os.h */

#define HK_ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((uintptr_t)(a)-1))
#define HK_IS_POW2(x)     ((x) != 0 && ((x) & ((x)-1)) == 0)

/* The lock every cold path shares (heap adoption and refills, the large cache, the pool's slow
 * paths, fork), never a hot path. Three states (Drepper's futex mutex): 0 free, 1 held, 2 held
 * with sleepers maybe waiting. Uncontended: one CAS to take, one exchange to give back. A waiter
 * spins briefly for a short hold, then sleeps on a futex: a holder preempted in a long hold (an
 * madvise under a heap's lock while more threads than cores run) gets the CPU instead of waiters
 * that yield to each other (lean's fork_heaps under two CPU hogs: 28.9 s spinning on sched_yield). */
typedef struct {
  uint32_t v;
} hk_lock_t;
#define HK_LOCK_INIT \
  { 0 }

static void hk_os_wait(uint32_t *w, uint32_t v); /* hk_os.h */
static void hk_os_wake(uint32_t *w);
extern int sched_yield(void);

static inline void hk_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#endif
}

static inline int hk_trylock(hk_lock_t *l) {
  uint32_t free = 0;
  return __atomic_load_n(&l->v, __ATOMIC_RELAXED) == 0 &&
         __atomic_compare_exchange_n(&l->v, &free, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}
static HK_NOINLINE void hk_lock_wait(hk_lock_t *l) {
  for (int i = 0; i < 100; i++) {
    hk_cpu_relax();
    if (hk_trylock(l)) return;
  }
  /* 2 from here on: whoever releases wakes a sleeper; a woken waiter takes it as 2 again */
  while (__atomic_exchange_n(&l->v, 2, __ATOMIC_ACQUIRE) != 0) hk_os_wait(&l->v, 2);
}
static inline void hk_lock(hk_lock_t *l) {
  uint32_t free = 0;
  if (HK_LIKELY(__atomic_compare_exchange_n(&l->v, &free, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))) return;
  hk_lock_wait(l);
}
static inline void hk_unlock(hk_lock_t *l) {
  if (HK_UNLIKELY(__atomic_exchange_n(&l->v, 0, __ATOMIC_RELEASE) == 2)) hk_os_wake(&l->v);
}
static inline void hk_lock_reset(hk_lock_t *l) { __atomic_store_n(&l->v, 0, __ATOMIC_RELAXED); }

#endif
