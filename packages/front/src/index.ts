import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** The front slot: the per-thread cache of free blocks per size class. */
const front = defineSlot(import.meta.url, {
  slot: 'front',
  packageName: '@hakmem/front',
  boxes: {
    tcache: {
      name: 'tcache',
      description:
        'Thread-local singly-linked free list plus a count per size class; one branch on hit.',
      sources: ['c/tcache/hk_front_tcache.c'],
      tunables: {
        maxBlocks: {
          type: 'int',
          default: 256,
          min: 8,
          max: 4096,
          unit: 'blocks',
          description: 'Most blocks a thread caches per size class before draining a batch back.',
        },
        maxBytes: {
          type: 'int',
          default: 262144,
          min: 4096,
          max: 16777216,
          unit: 'bytes',
          description: 'Most bytes a thread caches per size class (caps maxBlocks for large classes).',
        },
      },
    },
  },
});
export default front;

/** Blocks of class `cls` cached by the calling thread. */
export const frontCount = (hk: HakmemAddon, cls: number): number => probeNumber(hk, 'front', 'count', cls);
/** Most blocks of class `cls` the front caches per thread. */
export const frontCapacity = (hk: HakmemAddon, cls: number): number => probeNumber(hk, 'front', 'capacity', cls);
