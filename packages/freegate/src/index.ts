import { defineBase, defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/**
 * The base every gate here builds on, published for boxes of other packages: the routing of
 * free(p) (local, remote, large, invalid) and the invalid-free policy. A box adds the block
 * encoding (links, free mark); the contract is c/common/hk_freegate_routing.h.
 */
export const routing = defineBase(import.meta.url, {
  name: 'routing',
  packageName: '@hakmem/freegate',
  include: 'c/common',
  header: 'hk_freegate_routing.h',
  sources: ['c/common/hk_freegate_common.c'],
  tunables: {
    onForeign: {
      type: 'enum',
      runtime: true,
      values: ['report', 'abort'],
      default: 'report',
      description:
        'What free() of a pointer that is not a live block (foreign, interior, double free) does: report once and ignore, or abort.',
    },
  },
});

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
      base: routing,
      sources: ['c/fast/hk_freegate_fast.c'],
      requires: [{ slot: 'superslab', capability: 'registry' }],
      tunables: { ...routing.tunables },
    },
    checked: {
      name: 'checked',
      description:
        'Hardened gate: free-list links encoded with a secret key and checked when read (use-after-free writes and overflows are caught), keyed free marks; invalid frees abort with the problem and the address.',
      base: routing,
      sources: ['c/checked/hk_freegate_checked.c'],
      requires: [{ slot: 'superslab', capability: 'registry' }],
      tunables: { onForeign: { ...routing.tunables.onForeign, default: 'abort' } },
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
