// Checks the tcache box through the real build: dist/default/hakmem.node.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadHakmem, variantInfo } from '@hakmem/native';
import front from '../src/index.js';
import { expectCapacityLimits, frontConformance } from '../src/conformance.js';

const hk = loadHakmem(resolve(front.root, '../../dist/default'));

describe('front/tcache in the default variant', () => {
  it('its sources exist and the variant uses it', () => {
    for (const src of front.boxes.tcache.sources) expect(existsSync(join(front.root, src)), src).toBe(true);
    expect(variantInfo(hk).boxes.front).toMatchObject({ box: 'tcache', package: '@hakmem/front' });
  });

  frontConformance(() => hk);

  it('capacity respects maxBlocks and maxBytes', () => {
    const t = variantInfo(hk).tunables.front;
    expectCapacityLimits(hk, Number(t.maxBlocks), Number(t.maxBytes));
  });
});
