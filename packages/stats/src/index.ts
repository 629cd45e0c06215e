import { defineBase, defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/**
 * The base of the counting boxes, published for boxes of other packages: per-thread counter
 * blocks summed at read time. A box adds its clock; the contract is c/common/hk_stats_blocks.h.
 */
export const blocks = defineBase(import.meta.url, {
  name: 'blocks',
  packageName: '@hakmem/stats',
  include: 'c/common',
  header: 'hk_stats_blocks.h',
  sources: ['c/common/hk_stats_blocks.c'],
  tunables: {},
});

/** The stats slot: counters and profiles. */
const stats = defineSlot(import.meta.url, {
  slot: 'stats',
  packageName: '@hakmem/stats',
  defaultBox: 'off',
  boxes: {
    off: {
      name: 'off',
      description: 'No counters: every stats hook compiles to nothing.',
      sources: ['c/off/hk_stats_off.c'],
      tunables: {},
    },
    counters: {
      name: 'counters',
      description:
        'Counts allocations, frees, front hits and misses, refills, drains, remote frees and OS chunks per size class, in per-thread blocks (no atomics).',
      base: blocks,
      sources: ['c/counters/hk_stats_counters.c'],
      tunables: {},
    },
    profile: {
      name: 'profile',
      description:
        'The counters plus cycles per path (malloc hit, refill, free local, free remote, large) from the time-stamp counter.',
      base: blocks,
      sources: ['c/profile/hk_stats_profile.c'],
      tunables: {},
    },
  },
});
export default stats;

/** Whether the variant's stats box counts anything (false for off). */
export const statsEnabled = (hk: HakmemAddon): boolean => probeNumber(hk, 'stats', 'enabled') !== 0;
