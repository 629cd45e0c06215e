import { defineBase, defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/**
 * The base both pools here build on, published for boxes of other packages: what rests where
 * (resident and cold slabs and chunks), the purge of old resting memory and the release of
 * whole chunks. A box adds its four lists; the contract is c/common/hk_sharedpool_rest.h.
 */
export const rest = defineBase(import.meta.url, {
  name: 'rest',
  packageName: '@hakmem/sharedpool',
  include: 'c/common',
  header: 'hk_sharedpool_rest.h',
  sources: ['c/common/hk_sharedpool_common.c'],
  tunables: {},
});

/** The sharedpool slot: the process-wide pool of empty and partly free slabs and chunks. */
const sharedpool = defineSlot(import.meta.url, {
  slot: 'sharedpool',
  packageName: '@hakmem/sharedpool',
  defaultBox: 'lockfree',
  boxes: {
    lockfree: {
      name: 'lockfree',
      description:
        "Tagged Treiber stacks of resting slabs and chunks, resident and cold; when pages go back is the purge slot's decision.",
      base: rest,
      sources: ['c/lockfree/hk_sharedpool_lockfree.c'],
      requires: [{ slot: 'superslab', capability: 'chunks' }],
      tunables: {},
    },
    mutex: {
      name: 'mutex',
      description:
        'Plain LIFO lists of resting slabs and chunks, resident and cold, behind one mutex (taken across fork); exact counts.',
      base: rest,
      sources: ['c/mutex/hk_sharedpool_mutex.c'],
      requires: [{ slot: 'superslab', capability: 'chunks' }],
      tunables: {},
    },
  },
});
export default sharedpool;

/** Empty slabs held in the pool. */
export const emptySlabs = (hk: HakmemAddon): number => probeNumber(hk, 'sharedpool', 'empty_slabs');
/** Resting slabs whose pages are resident (a chunk counting as 32). */
export const residentSlabs = (hk: HakmemAddon): number => probeNumber(hk, 'sharedpool', 'resident_slabs');
/** Empty chunks held in the pool. */
export const emptyChunks = (hk: HakmemAddon): number => probeNumber(hk, 'sharedpool', 'empty_chunks');
