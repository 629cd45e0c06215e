/* hakmem.h — the extended API of a hakmem variant (the malloc family itself is the standard one).
 * Link with `pkg-config --libs hakmem` or preload libhakmem.so. */
#ifndef HAKMEM_H
#define HAKMEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hakmem_os_stats {
  uint64_t chunks;        /* 2 MiB chunks mapped for slabs since start */
  uint64_t large_maps;    /* mappings made for large blocks since start */
  int64_t  bytes_mapped;  /* bytes mapped from the OS now */
} hakmem_os_stats_t;

const char *hakmem_version(void);       /* e.g. "0.1.0" */
const char *hakmem_variant_name(void);  /* e.g. "default" */
const char *hakmem_variant_json(void);  /* the variant's resolved composition (variant.json) */

/* A box's probe: slot ("core", "front", ...), probe name and argument. Returns 0 and sets *out,
 * or -1 when the slot's box has no such probe. */
int hakmem_probe(const char *slot, const char *name, int64_t arg, int64_t *out);

void hakmem_os_stats(hakmem_os_stats_t *out);

#ifdef __cplusplus
}
#endif

#endif
