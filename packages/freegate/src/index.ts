import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** The freegate slot: routes free(p) to its owner, or handles it as foreign. */
const freegate = defineSlot(import.meta.url, {
  slot: 'freegate',
  packageName: '@hakmem/freegate',
  boxes: {
    fast: {
      name: 'fast',
      description:
        'Masks p to its chunk and asks the registry; local blocks go to the front, remote ones onto their slab with one atomic push.',
      sources: ['c/fast/hk_freegate_fast.c'],
      requires: [{ slot: 'superslab', capability: 'registry' }],
      tunables: {
        onForeign: {
          type: 'enum',
          values: ['report', 'abort'],
          default: 'report',
          description: 'What free() of a pointer hakmem did not allocate does: report once and leak, or abort.',
        },
      },
    },
  },
});
export default freegate;

/** What `classify` says an address is. */
export const FOREIGN = 0;
export const SLAB_BLOCK = 1;
export const LARGE_BLOCK = 2;
export type Classification = typeof FOREIGN | typeof SLAB_BLOCK | typeof LARGE_BLOCK;

/** 0 foreign, 1 slab block, 2 large block. */
export const classify = (hk: HakmemAddon, addr: bigint): Classification =>
  probeNumber(hk, 'freegate', 'classify', addr) as Classification;
/** Frees of foreign pointers seen so far. */
export const foreignFrees = (hk: HakmemAddon): number => probeNumber(hk, 'freegate', 'foreign_frees');
