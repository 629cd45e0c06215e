import { defineBase, defineSlot, probe, probeNumber, type HakmemAddon } from '@hakmem/native';

/** Size and alignment of a chunk. */
export const CHUNK_SIZE = 2n * 1024n * 1024n;

/**
 * The base of the chunks box, published for boxes of other packages: the registry and the
 * mappings of chunks and large blocks. A box decides how a new chunk is prepared; the
 * contract is c/common/hk_superslab_map.h.
 */
export const map = defineBase(import.meta.url, {
  name: 'map',
  packageName: '@hakmem/superslab',
  include: 'c/common',
  header: 'hk_superslab_map.h',
  sources: ['c/common/hk_superslab_map.c'],
  tunables: {
    reserveChunks: {
      type: 'int',
      runtime: true,
      default: 0,
      min: 0,
      max: 64,
      unit: 'chunks',
      description: 'Chunks mapped (and prepared) ahead at start.',
    },
  },
});

/** The superslab slot: 2 MiB-aligned chunks from the OS, cut into slabs of one size class. */
const superslab = defineSlot(import.meta.url, {
  slot: 'superslab',
  packageName: '@hakmem/superslab',
  defaultBox: 'chunks',
  boxes: {
    chunks: {
      name: 'chunks',
      description:
        'Maps 2 MiB-aligned chunks on demand, prepared as `prepare` says (faulted in lazily, populated at once, or on transparent huge pages); pointer -> chunk by masking, ownership from a byte-map registry.',
      base: map,
      sources: ['c/chunks/hk_superslab_chunks.c'],
      provides: ['registry', 'chunks'],
      tunables: {
        prepare: {
          type: 'enum',
          runtime: true,
          values: ['none', 'populate', 'huge', 'huge_populate'],
          default: 'none',
          description:
            'How a new chunk is prepared before its first touch: none (pages fault in as blocks are carved), populate (all 512 pages at once: no faults on the malloc path, 2 MiB resident), huge (MADV_HUGEPAGE: one TLB entry and one fault per chunk), huge_populate (both).',
        },
        ...map.tunables,
      },
    },
  },
});
export default superslab;

/** Base of the chunk holding `addr`, or 0n when the address is not hakmem's. */
export const chunkOf = (hk: HakmemAddon, addr: bigint): bigint => probe(hk, 'superslab', 'chunk_of', addr);
/** Chunks registered. */
export const chunkCount = (hk: HakmemAddon): number => probeNumber(hk, 'superslab', 'chunks');
/** Chunks populated or advised so far; throws where `prepare` is none. */
export const chunksPrepared = (hk: HakmemAddon): number => probeNumber(hk, 'superslab', 'prepared');
/** Size class of the slab holding `addr`, or -1. */
export const slabClass = (hk: HakmemAddon, addr: bigint): number => probeNumber(hk, 'superslab', 'slab_class', addr);
