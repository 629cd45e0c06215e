/* hk_base.h — compiler helpers and the build mode. */
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

/* sched_yield for the few waits that poll a flag (start-up, the pool's retries); the lock
 * every cold path shares is hk_os.h's hk_lock. */
extern int sched_yield(void);

#endif
