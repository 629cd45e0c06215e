import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** The sharedpool slot: the process-wide pool of empty and partly free slabs and chunks. */
const sharedpool = defineSlot(import.meta.url, {
  slot: 'sharedpool',
  packageName: '@hakmem/sharedpool',
  defaultBox: 'lockfree',
  boxes: {
    lockfree: {
      name: 'lockfree',
      description:
        'Tagged Treiber stacks of resting slabs and chunks, resident and cold; when pages go back is the purge slot\'s decision.',
      sources: ['c/common/hk_sharedpool_common.c', 'c/lockfree/hk_sharedpool_lockfree.c'],
      requires: [{ slot: 'superslab', capability: 'chunks' }],
      tunables: {},
    },
    mutex: {
      name: 'mutex',
      description:
        'Plain LIFO lists of resting slabs and chunks, resident and cold, behind one mutex (taken across fork); exact counts.',
      sources: ['c/common/hk_sharedpool_common.c', 'c/mutex/hk_sharedpool_mutex.c'],
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
