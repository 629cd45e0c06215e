import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** The refill slot: moves blocks between the front cache and slabs in batches. */
const refill = defineSlot(import.meta.url, {
  slot: 'refill',
  packageName: '@hakmem/refill',
  boxes: {
    batch: {
      name: 'batch',
      description:
        'Fixed-size batches from the current slab: bump pointer over fresh memory (no memset), its free list, then remote frees.',
      sources: ['c/batch/hk_refill_batch.c'],
      tunables: {
        batchBlocks: {
          type: 'int',
          default: 64,
          min: 4,
          max: 1024,
          unit: 'blocks',
          description: 'Most blocks moved per refill or drain.',
        },
        batchBytes: {
          type: 'int',
          default: 65536,
          min: 1024,
          max: 4194304,
          unit: 'bytes',
          description: 'Most bytes moved per refill or drain (caps batchBlocks for large classes).',
        },
      },
    },
  },
});
export default refill;

/** Blocks of class `cls` moved per refill. */
export const refillBatch = (hk: HakmemAddon, cls: number): number => probeNumber(hk, 'refill', 'batch', cls);
