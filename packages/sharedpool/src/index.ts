import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** Both boxes return pages to the OS by the same policy. */
const retainSlabs = {
  type: 'int',
  default: 64,
  min: 0,
  max: 65536,
  unit: 'slabs',
  description: 'Empty slabs kept resident before pages go back to the OS.',
} as const;

/** The sharedpool slot: the process-wide pool of empty and partly free slabs and chunks. */
const sharedpool = defineSlot(import.meta.url, {
  slot: 'sharedpool',
  packageName: '@hakmem/sharedpool',
  boxes: {
    lockfree: {
      name: 'lockfree',
      description:
        'Tagged Treiber stacks of slabs and chunks; returns pages to the OS beyond retainSlabs.',
      sources: ['c/common/hk_sharedpool_common.c', 'c/lockfree/hk_sharedpool_lockfree.c'],
      requires: [{ slot: 'superslab', capability: 'chunks' }],
      tunables: {
        retainSlabs,
      },
    },
    mutex: {
      name: 'mutex',
      description:
        'Plain LIFO lists of slabs and chunks behind one mutex (taken across fork); exact counts; returns pages to the OS beyond retainSlabs.',
      sources: ['c/common/hk_sharedpool_common.c', 'c/mutex/hk_sharedpool_mutex.c'],
      requires: [{ slot: 'superslab', capability: 'chunks' }],
      tunables: {
        retainSlabs,
      },
    },
  },
});
export default sharedpool;

/** Empty slabs held in the pool. */
export const emptySlabs = (hk: HakmemAddon): number => probeNumber(hk, 'sharedpool', 'empty_slabs');
/** Empty chunks held in the pool. */
export const emptyChunks = (hk: HakmemAddon): number => probeNumber(hk, 'sharedpool', 'empty_chunks');
