import { defineSlot, probe, probeNumber, type HakmemAddon } from '@hakmem/native';

/** Size and alignment of a chunk. */
export const CHUNK_SIZE = 2n * 1024n * 1024n;

/** The superslab slot: 2 MiB-aligned chunks from the OS, cut into slabs of one size class. */
const superslab = defineSlot(import.meta.url, {
  slot: 'superslab',
  packageName: '@hakmem/superslab',
  boxes: {
    lazy: {
      name: 'lazy',
      description:
        'Maps 2 MiB-aligned chunks on demand and lets pages fault in on first touch; pointer -> chunk by masking, ownership from a registry.',
      sources: ['c/lazy/hk_superslab_lazy.c'],
      provides: ['registry', 'chunks'],
      tunables: {
        reserveChunks: {
          type: 'int',
          default: 0,
          min: 0,
          max: 64,
          unit: 'chunks',
          description: 'Chunks mapped ahead at start.',
        },
      },
    },
  },
});
export default superslab;

/** Base of the chunk holding `addr`, or 0n when the address is not hakmem's. */
export const chunkOf = (hk: HakmemAddon, addr: bigint): bigint => probe(hk, 'superslab', 'chunk_of', addr);
/** Chunks registered. */
export const chunkCount = (hk: HakmemAddon): number => probeNumber(hk, 'superslab', 'chunks');
/** Size class of the slab holding `addr`, or -1. */
export const slabClass = (hk: HakmemAddon, addr: bigint): number => probeNumber(hk, 'superslab', 'slab_class', addr);
