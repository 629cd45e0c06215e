import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** The front slot: the per-thread cache of free blocks per size class. */
const front = defineSlot(import.meta.url, {
  slot: 'front',
  packageName: '@hakmem/front',
  defaultBox: 'tcache',
  boxes: {
    tcache: {
      name: 'tcache',
      description: 'Thread-local singly-linked free list plus a count per size class; one branch on hit.',
      sources: ['c/tcache/hk_front_tcache.c'],
      tunables: {
        maxBlocks: {
          type: 'int',
          runtime: true,
          default: 256,
          min: 8,
          max: 4096,
          unit: 'blocks',
          description: 'Most blocks a thread caches per size class before draining a batch back.',
        },
        maxBytes: {
          type: 'int',
          runtime: true,
          // 512 KiB: 8 blocks of 64 KiB, 16 of 32 KiB. mid_large_mt (1-64 KiB blocks, 2 threads)
          // 49.1M -> 58.8M ops/s over 256 KiB, peak RSS 15.0 MiB both, the other ten benchmarks
          // alike (pnpm bench, 5 interleaved runs). The most a thread can hold in its front is
          // 17 MiB (every class full; 9.6 MiB at 256 KiB); trim and thread exit give it back.
          default: 524288,
          min: 4096,
          max: 16777216,
          unit: 'bytes',
          description: 'Most bytes a thread caches per size class (caps maxBlocks for large classes).',
        },
      },
    },
    magazine: {
      name: 'magazine',
      description:
        "Thread-local array stack per size class: pop and push are one top index and one entry, and the front writes no link into a freed block while it is cached (the block slot may record the free in the block: the fast box's mark in word 1).",
      sources: ['c/magazine/hk_front_magazine.c'],
      tunables: {
        blocks: {
          type: 'int',
          default: 64,
          min: 8,
          max: 512,
          unit: 'blocks',
          description:
            'Slots per size class (thread-local: 52 x (blocks + 1) x 8 bytes, 26 KiB at 64); a full magazine drains half back.',
        },
        maxBytes: {
          type: 'int',
          runtime: true,
          default: 131072,
          min: 4096,
          max: 16777216,
          unit: 'bytes',
          description: 'Most bytes a thread caches per size class (big classes hold fewer blocks than `blocks`).',
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
