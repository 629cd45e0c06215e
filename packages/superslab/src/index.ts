import { defineSlot, probe, probeNumber, type HakmemAddon } from '@hakmem/native';

/** Size and alignment of a chunk. */
export const CHUNK_SIZE = 2n * 1024n * 1024n;

/** Every superslab box keeps this tunable. */
const reserveChunks = {
  type: 'int',
  default: 0,
  min: 0,
  max: 64,
  unit: 'chunks',
  description: 'Chunks mapped ahead at start.',
} as const;

/** The superslab slot: 2 MiB-aligned chunks from the OS, cut into slabs of one size class. */
const superslab = defineSlot(import.meta.url, {
  slot: 'superslab',
  packageName: '@hakmem/superslab',
  defaultBox: 'lazy',
  boxes: {
    lazy: {
      name: 'lazy',
      description:
        'Maps 2 MiB-aligned chunks on demand and lets pages fault in on first touch; pointer -> chunk by masking, ownership from a registry.',
      sources: ['c/common/hk_superslab_common.c', 'c/lazy/hk_superslab_lazy.c'],
      provides: ['registry', 'chunks'],
      tunables: {
        reserveChunks,
      },
    },
    prefault: {
      name: 'prefault',
      description:
        'Like lazy, but every new chunk is populated at once (MADV_POPULATE_WRITE, one write per page before Linux 5.14): no page faults on the hot path, 2 MiB resident per chunk.',
      sources: ['c/common/hk_superslab_common.c', 'c/prefault/hk_superslab_prefault.c'],
      provides: ['registry', 'chunks'],
      tunables: {
        reserveChunks,
      },
    },
    thp: {
      name: 'thp',
      description:
        'Like lazy, but every new chunk is advised MADV_HUGEPAGE before its first touch (one TLB entry and one fault per chunk), and populated at once unless populate is off.',
      sources: ['c/common/hk_superslab_common.c', 'c/thp/hk_superslab_thp.c'],
      provides: ['registry', 'chunks'],
      tunables: {
        reserveChunks,
        populate: {
          type: 'bool',
          default: true,
          description: 'Also fault each new chunk in at once (MADV_POPULATE_WRITE), off the hot path.',
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
/** Chunks prefaulted or advised so far (prefault, thp); throws for a box that prepares none (lazy). */
export const chunksPrepared = (hk: HakmemAddon): number => probeNumber(hk, 'superslab', 'prepared');
/** Size class of the slab holding `addr`, or -1. */
export const slabClass = (hk: HakmemAddon, addr: bigint): number => probeNumber(hk, 'superslab', 'slab_class', addr);
