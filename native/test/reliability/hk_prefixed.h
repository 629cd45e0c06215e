/* hk_prefixed.h — the allocator's public surface as compiled with -DHK_BUILD_ADDON=1: every
 * name prefixed with hakmem_ and hidden, so a test binary can link the allocator beside the
 * system malloc (and beside a sanitizer's malloc). Used by the sanitizer programs in this
 * directory and by the fuzzer (native/fuzz). */
#ifndef HK_PREFIXED_H
#define HK_PREFIXED_H

#include <stddef.h>
#include <stdint.h>

void *hakmem_malloc(size_t n);
void hakmem_free(void *p);
void *hakmem_calloc(size_t n, size_t size);
void *hakmem_realloc(void *p, size_t n);
void *hakmem_reallocarray(void *p, size_t n, size_t size);
int hakmem_posix_memalign(void **out, size_t alignment, size_t n);
void *hakmem_aligned_alloc(size_t alignment, size_t n);
void *hakmem_memalign(size_t alignment, size_t n);
void *hakmem_valloc(size_t n);
void *hakmem_pvalloc(size_t n);
size_t hakmem_malloc_usable_size(void *p);
void hakmem_free_sized(void *p, size_t n);
void hakmem_free_aligned_sized(void *p, size_t alignment, size_t n);
const char *hakmem_variant_name(void);
const char *hakmem_variant_json(void);
int hakmem_probe(const char *slot, const char *name, int64_t arg, int64_t *out);
size_t hakmem_trim(void); /* already hakmem_ in hakmem.h: the same name in both builds */

#endif
