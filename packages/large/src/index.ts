import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** The large slot: sizes above the slab range. */
const large = defineSlot(import.meta.url, {
  slot: 'large',
  packageName: '@hakmem/large',
  boxes: {
    bigcache: {
      name: 'bigcache',
      description:
        'A mid pool, then mmap with a cache of recently freed mappings reused by size.',
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
          default: 67108864,
          min: 0,
          max: 4294967296,
          unit: 'bytes',
          description: 'Most bytes held by cached mappings.',
        },
      },
    },
  },
});
export default large;

/** Mappings held in the cache. */
export const largeCached = (hk: HakmemAddon): number => probeNumber(hk, 'large', 'cached');
/** Bytes held by cached mappings. */
export const largeCachedBytes = (hk: HakmemAddon): number => probeNumber(hk, 'large', 'cached_bytes');
