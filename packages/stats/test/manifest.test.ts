import { describe, expect, it } from 'vitest';
import stats from '../src/index.js';

describe('@hakmem/stats manifest', () => {
  it('declares the stats slot with the off box and no tunables', () => {
    expect(stats.slot).toBe('stats');
    expect(stats.packageName).toBe('@hakmem/stats');
    expect(Object.keys(stats.boxes)).toEqual(['off']);
    expect(stats.boxes.off.sources).toEqual(['c/off/hk_stats_off.c']);
    expect(stats.boxes.off.tunables).toEqual({});
  });
});
