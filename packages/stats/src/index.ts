import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

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
      sources: ['c/counters/hk_stats_counters.c', 'c/common/hk_stats_blocks.c'],
      tunables: {},
    },
    profile: {
      name: 'profile',
      description:
        'The counters plus cycles per path (malloc hit, refill, free local, free remote, large) from the time-stamp counter.',
      sources: ['c/profile/hk_stats_profile.c', 'c/common/hk_stats_blocks.c'],
      tunables: {},
    },
  },
});
export default stats;

/** Whether the variant's stats box counts anything (false for off). */
export const statsEnabled = (hk: HakmemAddon): boolean => probeNumber(hk, 'stats', 'enabled') !== 0;
