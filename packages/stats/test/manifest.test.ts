import { describe, expect, it } from 'vitest';
import stats, { blocks } from '../src/index.js';

describe('@hakmem/stats manifest', () => {
  it('declares off, counters and profile; the two counting boxes share the per-thread blocks', () => {
    expect(stats.slot).toBe('stats');
    expect(stats.packageName).toBe('@hakmem/stats');
    expect(Object.keys(stats.boxes)).toEqual(['off', 'counters', 'profile']);
    expect(stats.boxes.off.sources).toEqual(['c/off/hk_stats_off.c']);
    expect(stats.boxes.counters.sources).toEqual(['c/counters/hk_stats_counters.c']);
    expect(stats.boxes.profile.sources).toEqual(['c/profile/hk_stats_profile.c']);
    expect(stats.boxes.counters.base).toBe(blocks);
    expect(stats.boxes.profile.base).toBe(blocks);
    for (const box of Object.values(stats.boxes)) expect(box.tunables).toEqual({});
  });
});
