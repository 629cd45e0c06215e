// Checks the off box through the real build: dist/default/hakmem.node.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadHakmem, variantInfo } from '@hakmem/native';
import stats, { statsEnabled } from '../src/index.js';

const hk = loadHakmem(resolve(stats.root, '../../dist/default'));

describe('stats/off in the default variant', () => {
  it('its sources exist and the variant uses it', () => {
    for (const src of stats.boxes.off.sources) expect(existsSync(join(stats.root, src)), src).toBe(true);
    const v = variantInfo(hk);
    expect(v.boxes.stats).toMatchObject({ box: 'off', package: '@hakmem/stats' });
    expect(v.tunables.stats).toEqual({});
  });

  it('counts nothing', () => {
    expect(statsEnabled(hk)).toBe(false);
  });
});
