import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** The stats slot: counters and profiles. */
const stats = defineSlot(import.meta.url, {
  slot: 'stats',
  packageName: '@hakmem/stats',
  boxes: {
    off: {
      name: 'off',
      description: 'No counters: every stats hook compiles to nothing.',
      sources: ['c/off/hk_stats_off.c'],
      tunables: {},
    },
  },
});
export default stats;

/** Whether the variant's stats box counts anything (false for off). */
export const statsEnabled = (hk: HakmemAddon): boolean => probeNumber(hk, 'stats', 'enabled') !== 0;
