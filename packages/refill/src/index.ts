import { defineBase, defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/**
 * The base every refill box here builds on, published for boxes of other packages: a heap's
 * slabs as its per-class stock (take, carve, set aside, keep a spare, give back). A box built
 * on it defines hk_refill, hk_refill_drain and hk_refill_probe; the contract is
 * c/common/hk_refill_slabs.h.
 */
export const slabs = defineBase(import.meta.url, {
  name: 'slabs',
  packageName: '@hakmem/refill',
  include: 'c/common',
  header: 'hk_refill_slabs.h',
  sources: ['c/common/hk_refill_slabs.c'],
  tunables: {
    keepSpare: {
      type: 'bool',
      runtime: true,
      default: true,
      description:
        'Keep one emptied slab per class in the thread instead of returning it to the pool at once (fewer page faults when a working set empties and refills a slab).',
    },
    collectToFront: {
      type: 'bool',
      runtime: true,
      default: true,
      description:
        "Blocks other threads freed go onto the owner's front at its next miss while their class has room (the collect has just read them, so the next malloc hands out a block already in this core's cache); false puts every one back on its slab. Under shuffle they go back on their slabs either way.",
    },
    shuffle: {
      type: 'bool',
      default: false,
      description:
        'Shuffle every batch a refill carves or takes from a slab (in windows of 64 blocks), so the order blocks are handed out in, and which block a freed one is next to, cannot be predicted.',
    },
  },
});

/** The refill slot: moves blocks between the front cache and slabs in batches. */
const refill = defineSlot(import.meta.url, {
  slot: 'refill',
  packageName: '@hakmem/refill',
  defaultBox: 'batch',
  boxes: {
    batch: {
      name: 'batch',
      description:
        'Fixed-size batches from the current slab: bump pointer over fresh memory (no memset), its free list, then remote frees.',
      base: slabs,
      sources: ['c/batch/hk_refill_batch.c'],
      tunables: {
        batchBlocks: {
          type: 'int',
          runtime: true,
          default: 64,
          min: 4,
          max: 1024,
          unit: 'blocks',
          description: 'Most blocks moved per refill or drain.',
        },
        batchBytes: {
          type: 'int',
          runtime: true,
          default: 65536,
          min: 1024,
          max: 4194304,
          unit: 'bytes',
          description: 'Most bytes moved per refill or drain (caps batchBlocks for large classes).',
        },
        ...slabs.tunables,
      },
    },
    adaptive: {
      name: 'adaptive',
      description:
        'Batches that follow demand per thread and class: start at minBatch, double on every refill, halve on every drain, up to maxBatch, maxBytes and the front capacity.',
      base: slabs,
      sources: ['c/adaptive/hk_refill_adaptive.c'],
      tunables: {
        minBatch: {
          type: 'int',
          runtime: true,
          default: 8,
          min: 1,
          max: 1024,
          unit: 'blocks',
          description: "A thread's first refill of a class, and the floor a drain halves down to.",
        },
        maxBatch: {
          type: 'int',
          runtime: true,
          default: 128,
          min: 4,
          max: 4096,
          unit: 'blocks',
          description: 'Most blocks one refill moves (the front capacity caps it too).',
        },
        maxBytes: {
          type: 'int',
          runtime: true,
          default: 65536,
          min: 1024,
          max: 4194304,
          unit: 'bytes',
          description: 'Most bytes one refill moves (caps maxBatch for large classes).',
        },
        ...slabs.tunables,
      },
    },
  },
});
export default refill;

/** Blocks of class `cls` the calling thread's next refill moves. */
export const refillBatch = (hk: HakmemAddon, cls: number): number => probeNumber(hk, 'refill', 'batch', cls);
