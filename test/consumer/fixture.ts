// The files of a project outside the workspace: its package.json, its hakmem.config.ts, a
// third-party front box of its own (acme-hakmem-front), and a small C program that checks,
// under LD_PRELOAD, that hakmem serves its allocations.

/** A third-party box package: plain ESM, a manifest through defineSlot, C for the front slot. */
export const acmePackageJson = {
  name: 'acme-hakmem-front',
  version: '1.2.3',
  description: 'A list-like front box for hakmem, written outside the hakmem repository',
  type: 'module',
  license: 'MIT',
  exports: { '.': { types: './src/index.d.ts', import: './src/index.mjs' } },
  files: ['src', 'c'],
  peerDependencies: { '@hakmem/native': '^0.1.0' },
};

export const acmeIndexMjs = `import { defineSlot } from '@hakmem/native';

// The front slot, filled by a box of our own. The composer finds c/ next to src/.
export default defineSlot(import.meta.url, {
  slot: 'front',
  packageName: 'acme-hakmem-front',
  boxes: {
    stack: {
      name: 'stack',
      description: 'A singly-linked free list per size class with an explicit count and a depth limit.',
      sources: ['c/stack/acme_front_stack.c'],
      tunables: {
        depth: { type: 'int', default: 128, min: 1, max: 4096, unit: 'blocks', description: 'Most blocks kept per class.' },
      },
    },
  },
});
`;

// Types for users of the box: the literal box and tunable names, so defineConfig checks them.
export const acmeIndexDts = `import type { SlotPackage, TunableInt } from '@hakmem/native';

declare const front: SlotPackage<
  'front',
  {
    readonly stack: {
      readonly name: 'stack';
      readonly description: string;
      readonly sources: readonly string[];
      readonly tunables: { readonly depth: TunableInt };
    };
  }
>;
export default front;
`;

// native/include/hakmem/hk_front.h, implemented with an explicit count per class.
export const acmeFrontC = `/* acme front/stack: a thread-local singly-linked list per size class, with a count and a
 * limit. Links go through hk_link_store/hk_link_load so the block may encode them. */
#include "hakmem/hk_front.h"

typedef struct {
  void    *head[HK_NUM_CLASSES];
  uint32_t count[HK_NUM_CLASSES];
  uint32_t limit[HK_NUM_CLASSES];
} acme_stack_t;

static __thread acme_stack_t acme_stack;

static inline void *hk_front_pop(uint32_t cls) {
  void *b = acme_stack.head[cls];
  if (HK_LIKELY(b != NULL)) {
    acme_stack.head[cls] = hk_link_load(b);
    acme_stack.count[cls]--;
  }
  return b;
}

static inline int hk_front_push(uint32_t cls, void *p) {
  hk_link_store(p, acme_stack.head[cls]);
  acme_stack.head[cls] = p;
  return ++acme_stack.count[cls] >= acme_stack.limit[cls];
}

static uint32_t hk_front_capacity(uint32_t cls) {
  uint32_t n = (uint32_t)(262144u / hk_class_size[cls]);
  if (n > HK_CFG_FRONT_DEPTH) n = HK_CFG_FRONT_DEPTH;
  return n ? n : 1;
}

static uint32_t hk_front_count(uint32_t cls) { return acme_stack.count[cls]; }

static void hk_front_fill(uint32_t cls, void *head, uint32_t n) {
  acme_stack.head[cls] = head;
  acme_stack.count[cls] = n;
}

static uint32_t hk_front_take(uint32_t cls, uint32_t n, void **head) {
  void *first = acme_stack.head[cls], *last = first, *next;
  if (!first || !n) { *head = NULL; return 0; }
  uint32_t k = 1;
  while (k < n && (next = hk_link_load(last)) != NULL) { last = next; k++; }
  acme_stack.head[cls] = hk_link_load(last);
  hk_link_store(last, NULL);
  acme_stack.count[cls] -= k;
  *head = first;
  return k;
}

static void hk_front_thread_init(void) {
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) acme_stack.limit[c] = hk_front_capacity(c);
}

static void hk_front_thread_exit(void) { memset(&acme_stack, 0, sizeof acme_stack); }

static int hk_front_probe(enum hk_front_probe p, int64_t arg, int64_t *out) {
  if (arg < 0 || arg >= HK_NUM_CLASSES) return -1;
  switch (p) {
  case HK_PROBE_FRONT_COUNT: *out = hk_front_count((uint32_t)arg); return 0;
  case HK_PROBE_FRONT_CAPACITY: *out = hk_front_capacity((uint32_t)arg); return 0;
  }
  return -1;
}
`;

/** A third-party box for a slot with shared mechanism: refill, built on the published `slabs`
 * base of @hakmem/refill (which does the slab handling); the box says only how many blocks move. */
export const acmeRefillPackageJson = {
  name: 'acme-hakmem-refill',
  version: '0.3.0',
  description: 'A greedy refill box for hakmem, built on the slabs base of @hakmem/refill',
  type: 'module',
  license: 'MIT',
  exports: { '.': { types: './src/index.d.ts', import: './src/index.mjs' } },
  files: ['src', 'c'],
  peerDependencies: { '@hakmem/native': '^0.1.0', '@hakmem/refill': '^0.1.0' },
};

export const acmeRefillIndexMjs = `import { defineSlot } from '@hakmem/native';
import { slabs } from '@hakmem/refill';

export default defineSlot(import.meta.url, {
  slot: 'refill',
  packageName: 'acme-hakmem-refill',
  boxes: {
    greedy: {
      name: 'greedy',
      description: 'Every miss fills the front to its capacity; every overflow gives back a quarter of it.',
      base: slabs,
      sources: ['c/greedy/acme_refill_greedy.c'],
      tunables: { ...slabs.tunables },
    },
  },
});
`;

export const acmeRefillIndexDts = `import type { BoxBase, SlotPackage, TunableBool } from '@hakmem/native';

declare const refill: SlotPackage<
  'refill',
  {
    readonly greedy: {
      readonly name: 'greedy';
      readonly description: string;
      readonly base: BoxBase;
      readonly sources: readonly string[];
      readonly tunables: { readonly keepSpare: TunableBool };
    };
  }
>;
export default refill;
`;

// The three functions the slabs base leaves to its box (hk_refill_slabs.h).
export const acmeRefillC = `/* acme refill/greedy: a miss fills the front of its class to capacity, an overflow gives a
 * quarter back. Slabs, spares and the pool are the slabs base's (hk_refill_slabs.h). */
#include "hk_refill_slabs.h"

static HK_NOINLINE void *hk_refill(hk_heap_t *h, uint32_t cls) {
  return hk_refill_from_slabs(h, cls, hk_front_capacity(cls));
}

static HK_NOINLINE void hk_refill_drain(hk_heap_t *h, uint32_t cls) {
  int saved = errno;
  uint32_t n = hk_front_capacity(cls) / 4;
  void *chain;
  hk_front_take(cls, n ? n : 1, &chain);
  hk_refill_put_chain(h, chain);
  errno = saved;
}

static int hk_refill_probe(enum hk_refill_probe p, int64_t arg, int64_t *out) {
  if (arg < 0 || arg >= HK_NUM_CLASSES) return -1;
  switch (p) {
  case HK_PROBE_REFILL_BATCH: *out = hk_front_capacity((uint32_t)arg); return 0;
  }
  return -1;
}
`;

/** The boxes of the published packages the consumer chooses for the other slots. */
export const STOCK_BOXES = {
  superslab: 'chunks',
  sharedpool: 'lockfree',
  block: 'fast',
  large: 'bigcache',
  stats: 'off',
  purge: 'decay',
} as const;

const IMPORTS = `import { defineConfig } from '@hakmem/compose';
import block from '@hakmem/block';
import front from '@hakmem/front';
import large from '@hakmem/large';
import purge from '@hakmem/purge';
import refill from '@hakmem/refill';
import sharedpool from '@hakmem/sharedpool';
import stats from '@hakmem/stats';
import superslab from '@hakmem/superslab';
import acmeFront from 'acme-hakmem-front';
import acmeRefill from 'acme-hakmem-refill';
`;

const stock = JSON.stringify(STOCK_BOXES)
  .slice(1, -1)
  .replace(/"(\w+)":/g, '$1: ')
  .replace(/,/g, ', ');

/** The consumer's hakmem.config.ts: `mine` with the third-party front and refill, `stock` with ours. */
export const consumerConfig = `${IMPORTS}
const published = { superslab, sharedpool, block, large, stats, purge };

export default defineConfig({
  slots: { front: acmeFront, refill: acmeRefill, ...published },
  variants: {
    mine: {
      description: 'acme front and refill boxes on the published boxes',
      boxes: { front: 'stack', refill: 'greedy', ${stock} },
      tunables: { front: { depth: 64 }, large: { cacheEntries: 8 } },
    },
  },
});

`;

/** A second config of the same project, with the published front box: \`hakmem build stock --config stock.config.ts\`. */
export const stockConfig = `${IMPORTS}
export default defineConfig({
  slots: { front, refill, superslab, sharedpool, block, large, stats, purge },
  variants: {
    stock: { description: 'the published boxes only', boxes: { front: 'tcache', refill: 'batch', ${stock} } },
  },
});
`;

/** Type errors that must be caught: tsc passes only if each @ts-expect-error is used. */
export const typeChecks = `${IMPORTS}
const published = { refill, superslab, sharedpool, block, large, stats, purge };
defineConfig({
  slots: { ...published, front: acmeFront },
  variants: {
    v: {
      description: '',
      boxes: {
        // @ts-expect-error: the third-party front has no box 'tcache'
        front: 'tcache',
        refill: 'batch',
        ${stock},
      },
    },
  },
});
defineConfig({
  slots: { ...published, front: acmeFront, refill: acmeRefill },
  variants: {
    v: {
      description: '',
      // @ts-expect-error: the third-party refill has no box 'batch'
      boxes: { front: 'stack', refill: 'batch', ${stock} },
    },
  },
});
defineConfig({
  slots: { ...published, front: acmeFront },
  variants: {
    v: {
      description: '',
      boxes: { front: 'stack', refill: 'batch', ${stock} },
      // @ts-expect-error: depth is a number
      tunables: { front: { depth: 'deep' } },
    },
  },
});
`;

export const consumerTsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  },
  include: ['hakmem.config.ts', 'stock.config.ts', 'type-checks.ts'],
};

/** Run under LD_PRELOAD=libhakmem.so: hakmem's API is there, and hakmem owns what malloc returns. */
export const checkProgram = `#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*probe_fn)(const char *, const char *, int64_t, int64_t *);

static int64_t probe(probe_fn fn, const char *slot, const char *name, int64_t arg) {
  int64_t out = -1;
  if (fn(slot, name, arg, &out) != 0) { fprintf(stderr, "no probe %s.%s\\n", slot, name); exit(3); }
  return out;
}

int main(void) {
  const char *(*variant)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, "hakmem_variant_name");
  probe_fn fn = (probe_fn)dlsym(RTLD_DEFAULT, "hakmem_probe");
  if (!variant || !fn) { fprintf(stderr, "hakmem is not loaded\\n"); return 2; }

  enum { N = 2000 };
  static void *blocks[N];
  for (int i = 0; i < N; i++) {
    size_t n = 16 + (size_t)(i * 37) % 4000;
    blocks[i] = malloc(n);
    if (!blocks[i]) { fprintf(stderr, "malloc(%zu) failed\\n", n); return 4; }
    memset(blocks[i], i & 0xff, n);
    if (probe(fn, "core", "classify", (int64_t)(intptr_t)blocks[i]) != 1) {
      fprintf(stderr, "block %d (%zu bytes) is not a hakmem slab block\\n", i, n);
      return 5;
    }
  }
  void *big = malloc(8u << 20);
  memset(big, 1, 8u << 20);
  if (probe(fn, "core", "classify", (int64_t)(intptr_t)big) != 2) { fprintf(stderr, "8 MiB is not a large block\\n"); return 6; }
  free(big);
  for (int i = 0; i < N; i++) free(blocks[i]);

  int64_t cls = probe(fn, "core", "class_of", 64);
  void *p = malloc(64);
  free(p);
  int64_t cached = probe(fn, "front", "count", cls);
  int64_t cap = probe(fn, "front", "capacity", cls);
  if (cached < 1 || cached > cap) { fprintf(stderr, "front count %lld, capacity %lld\\n", (long long)cached, (long long)cap); return 7; }
  int64_t batch = probe(fn, "refill", "batch", cls);
  if (probe(fn, "core", "heaps_check", 0) != 0) { fprintf(stderr, "inconsistent slabs\\n"); return 8; }
  printf("variant=%s front_count=%lld front_capacity=%lld refill_batch=%lld\\n", variant(), (long long)cached, (long long)cap, (long long)batch);
  return 0;
}
`;
