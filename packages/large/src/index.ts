import { defineBase, defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/**
 * The base every large box here builds on, published for boxes of other packages: a large
 * block as its own registered mapping with its record in the chunk header, and the side table
 * of blocks aligned past 2 MiB. A box adds what happens to a freed mapping; the contract is
 * c/common/hk_large_mappings.h.
 */
export const mappings = defineBase(import.meta.url, {
  name: 'mappings',
  packageName: '@hakmem/large',
  include: 'c/common',
  header: 'hk_large_mappings.h',
  sources: ['c/common/hk_large_common.c'],
  tunables: {
    guard: {
      type: 'bool',
      default: false,
      description:
        'A PROT_NONE page right after every large block (the block ends at it), so a linear overflow faults at its first byte: one mprotect per fresh mapping, two when a cached mapping is reused for a block of another page count.',
    },
    scrub: {
      type: 'bool',
      default: false,
      description:
        'A reused (cached) mapping hands out its block reading as zero, never with what an earlier block left there (a memset when it is taken; calloc then needs no second one).',
    },
  },
});

/** The large slot: sizes above the slab range. */
const large = defineSlot(import.meta.url, {
  slot: 'large',
  packageName: '@hakmem/large',
  defaultBox: 'bigcache',
  boxes: {
    bigcache: {
      name: 'bigcache',
      description:
        'Each block above 256 KiB (or aligned past 4 KiB) is its own 2 MiB-aligned registered mapping; freed mappings rest in a cache and the smallest that fits is reused, skipping mmap and page faults.',
      base: mappings,
      sources: ['c/bigcache/hk_large_bigcache.c'],
      requires: [{ slot: 'superslab', capability: 'registry' }],
      tunables: {
        cacheEntries: {
          type: 'int',
          default: 16,
          min: 0,
          max: 1024,
          unit: 'mappings',
          description: 'Most freed mappings kept for reuse.',
        },
        cacheBytes: {
          type: 'int',
          runtime: true,
          default: 33554432,
          min: 0,
          max: 4294967296,
          unit: 'bytes',
          description: 'Most bytes held by cached mappings.',
        },
        ...mappings.tunables,
      },
    },
    direct: {
      name: 'direct',
      description:
        'No cache: every large block is a fresh mapping and every free unmaps it at once (the lowest RSS; an mmap, a munmap and page faults per block).',
      base: mappings,
      sources: ['c/direct/hk_large_direct.c'],
      requires: [{ slot: 'superslab', capability: 'registry' }],
      tunables: { ...mappings.tunables },
    },
  },
});
export default large;

/** Mappings held in the cache. */
export const largeCached = (hk: HakmemAddon): number => probeNumber(hk, 'large', 'cached');
/** Bytes held by cached mappings. */
export const largeCachedBytes = (hk: HakmemAddon): number => probeNumber(hk, 'large', 'cached_bytes');
