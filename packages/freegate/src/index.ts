import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** The freegate slot: routes free(p) to its owner, or handles it as foreign. */
const freegate = defineSlot(import.meta.url, {
  slot: 'freegate',
  packageName: '@hakmem/freegate',
  defaultBox: 'fast',
  boxes: {
    fast: {
      name: 'fast',
      description:
        'Release gate: registry bit, owner compare, block-start and free-mark checks, then the front; remote blocks with one CAS onto the owner heap. Invalid frees are reported once and ignored.',
      sources: ['c/fast/hk_freegate_fast.c', 'c/common/hk_freegate_common.c'],
      requires: [{ slot: 'superslab', capability: 'registry' }],
      tunables: {
        onForeign: {
          type: 'enum',
          values: ['report', 'abort'],
          default: 'report',
          description:
            'What free() of a pointer that is not a live block (foreign, interior, double free) does: report once and ignore, or abort.',
        },
      },
    },
    checked: {
      name: 'checked',
      description:
        'Hardened gate: free-list links encoded with a secret key and checked when read (use-after-free writes and overflows are caught), keyed free marks; invalid frees abort with the problem and the address.',
      sources: ['c/checked/hk_freegate_checked.c', 'c/common/hk_freegate_common.c'],
      requires: [{ slot: 'superslab', capability: 'registry' }],
      tunables: {
        onForeign: {
          type: 'enum',
          values: ['report', 'abort'],
          default: 'abort',
          description:
            'What free() of a pointer that is not a live block (foreign, interior, double free) does: report once and ignore, or abort.',
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
/** An aligned pointer handed out inside a slab block (alignments above 64 bytes). */
export const INTERIOR_BLOCK = 3;
export type Classification = typeof FOREIGN | typeof SLAB_BLOCK | typeof LARGE_BLOCK | typeof INTERIOR_BLOCK;

/** 0 foreign, 1 slab block, 2 large block, 3 an aligned pointer inside a slab block. */
export const classify = (hk: HakmemAddon, addr: bigint): Classification =>
  probeNumber(hk, 'freegate', 'classify', addr) as Classification;
/** Frees of foreign pointers seen so far. */
export const foreignFrees = (hk: HakmemAddon): number => probeNumber(hk, 'freegate', 'foreign_frees');
