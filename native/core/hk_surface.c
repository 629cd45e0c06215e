/* hk_surface.c — the exported names. libhakmem.so/.a export the malloc family under its own
 * names (glibc's rules for a replacement: free keeps errno, ENOMEM on overflow, EINVAL on a bad
 * alignment); hakmem.node gets the same functions as hidden hakmem_* names, so loading the
 * addon never replaces Node's malloc (HK_API and HK_NAME, hk_base.h). */

HK_API void *HK_NAME(malloc)(size_t n) { return hk_malloc(n); }

HK_API void HK_NAME(free)(void *p) { hk_free(p); }

HK_API void *HK_NAME(calloc)(size_t n, size_t size) { return hk_calloc(n, size); }

HK_API void *HK_NAME(realloc)(void *p, size_t n) { return hk_realloc(p, n); }

HK_API void *HK_NAME(reallocarray)(void *p, size_t n, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(n, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  return hk_realloc(p, total);
}

HK_API int HK_NAME(posix_memalign)(void **out, size_t alignment, size_t n) {
  if (!HK_IS_POW2(alignment) || alignment % sizeof(void *) != 0) return EINVAL;
  int saved = errno;
  void *p = hk_alloc_aligned(alignment, n);
  errno = saved;
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}

HK_API void *HK_NAME(aligned_alloc)(size_t alignment, size_t n) {
  if (!HK_IS_POW2(alignment)) {
    errno = EINVAL;
    return NULL;
  }
  return hk_alloc_aligned(alignment, n);
}

/* glibc's memalign accepts any alignment and rounds it up to a power of two. */
HK_API void *HK_NAME(memalign)(size_t alignment, size_t n) {
  if (alignment > (size_t)PTRDIFF_MAX / 2 + 1) {
    errno = EINVAL;
    return NULL;
  }
  if (!HK_IS_POW2(alignment)) {
    size_t a = 16;
    while (a < alignment) a <<= 1;
    alignment = a;
  }
  return hk_alloc_aligned(alignment, n);
}

HK_API void *HK_NAME(valloc)(size_t n) { return hk_alloc_aligned(HK_PAGE, n); }

HK_API void *HK_NAME(pvalloc)(size_t n) {
  if (n > (size_t)PTRDIFF_MAX) {
    errno = ENOMEM;
    return NULL;
  }
  return hk_alloc_aligned(HK_PAGE, n ? HK_ALIGN_UP(n, HK_PAGE) : HK_PAGE);
}

HK_API size_t HK_NAME(malloc_usable_size)(void *p) { return p ? hk_usable_size_checked(p) : 0; }

/* glibc's contract: 1 when memory went back to the OS, else 0. `pad` (what glibc keeps at the
 * top of its heap) has no meaning here: hakmem has no heap top. */
HK_API int HK_NAME(malloc_trim)(size_t pad) {
  (void)pad;
  return hk_trim() != 0;
}

HK_API void HK_NAME(free_sized)(void *p, size_t n) { hk_free_sized(p, n); }

HK_API void HK_NAME(free_aligned_sized)(void *p, size_t alignment, size_t n) {
  (void)alignment;
  hk_free_sized(p, n);
}

#if !HK_BUILD_ADDON
/* ---- C++ operators (libhakmem only) ----
 * On failure they follow the standard: call the new-handler and retry, then throw
 * std::bad_alloc — through libstdc++'s own entry points, referenced weakly so a C program
 * needs no libstdc++. The nothrow forms return NULL. */
typedef void (*hk_new_handler_t)(void);
extern hk_new_handler_t _ZSt15get_new_handlerv(void) __attribute__((weak));
extern void _ZSt17__throw_bad_allocv(void) __attribute__((weak, noreturn));

static HK_COLD void *hk_new_failed(size_t n, size_t alignment, int nothrow) {
  for (;;) {
    hk_new_handler_t handler = _ZSt15get_new_handlerv ? _ZSt15get_new_handlerv() : NULL;
    if (!handler) {
      if (nothrow) return NULL;
      if (_ZSt17__throw_bad_allocv) _ZSt17__throw_bad_allocv();
      hk_os_fatal("operator new: out of memory and no libstdc++ to throw std::bad_alloc", NULL);
    }
    handler();
    void *p = hk_alloc_aligned(alignment, n);
    if (p) return p;
  }
}

static inline void *hk_new(size_t n) {
  void *p = hk_malloc(n);
  return HK_LIKELY(p != NULL) ? p : hk_new_failed(n, 16, 0);
}
static inline void *hk_new_nothrow(size_t n) {
  void *p = hk_malloc(n);
  return HK_LIKELY(p != NULL) ? p : hk_new_failed(n, 16, 1);
}
static inline void *hk_new_aligned(size_t n, size_t a, int nothrow) {
  void *p = hk_alloc_aligned(a, n); /* std::align_val_t is a power of two by contract */
  return HK_LIKELY(p != NULL) ? p : hk_new_failed(n, a, nothrow);
}

HK_API void *_Znwm(size_t n) { return hk_new(n); }
HK_API void *_Znam(size_t n) { return hk_new(n); }
HK_API void *_ZnwmRKSt9nothrow_t(size_t n, const void *t) {
  (void)t;
  return hk_new_nothrow(n);
}
HK_API void *_ZnamRKSt9nothrow_t(size_t n, const void *t) {
  (void)t;
  return hk_new_nothrow(n);
}
HK_API void *_ZnwmSt11align_val_t(size_t n, size_t a) { return hk_new_aligned(n, a, 0); }
HK_API void *_ZnamSt11align_val_t(size_t n, size_t a) { return hk_new_aligned(n, a, 0); }
HK_API void *_ZnwmSt11align_val_tRKSt9nothrow_t(size_t n, size_t a, const void *t) {
  (void)t;
  return hk_new_aligned(n, a, 1);
}
HK_API void *_ZnamSt11align_val_tRKSt9nothrow_t(size_t n, size_t a, const void *t) {
  (void)t;
  return hk_new_aligned(n, a, 1);
}

HK_API void _ZdlPv(void *p) { hk_free(p); }
HK_API void _ZdaPv(void *p) { hk_free(p); }
HK_API void _ZdlPvm(void *p, size_t n) { hk_free_sized(p, n); }
HK_API void _ZdaPvm(void *p, size_t n) { hk_free_sized(p, n); }
HK_API void _ZdlPvRKSt9nothrow_t(void *p, const void *t) {
  (void)t;
  hk_free(p);
}
HK_API void _ZdaPvRKSt9nothrow_t(void *p, const void *t) {
  (void)t;
  hk_free(p);
}
HK_API void _ZdlPvSt11align_val_t(void *p, size_t a) {
  (void)a;
  hk_free(p);
}
HK_API void _ZdaPvSt11align_val_t(void *p, size_t a) {
  (void)a;
  hk_free(p);
}
HK_API void _ZdlPvmSt11align_val_t(void *p, size_t n, size_t a) {
  (void)a;
  hk_free_sized(p, n);
}
HK_API void _ZdaPvmSt11align_val_t(void *p, size_t n, size_t a) {
  (void)a;
  hk_free_sized(p, n);
}
HK_API void _ZdlPvSt11align_val_tRKSt9nothrow_t(void *p, size_t a, const void *t) {
  (void)a;
  (void)t;
  hk_free(p);
}
HK_API void _ZdaPvSt11align_val_tRKSt9nothrow_t(void *p, size_t a, const void *t) {
  (void)a;
  (void)t;
  hk_free(p);
}
#endif
