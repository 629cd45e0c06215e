// Checks the lockfree box through the real build: dist/default/hakmem.node.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadHakmem, variantInfo } from '@hakmem/native';
import sharedpool from '../src/index.js';
import { sharedpoolConformance } from '../src/conformance.js';

const hk = loadHakmem(resolve(sharedpool.root, '../../dist/default'));

describe('sharedpool/lockfree in the default variant', () => {
  it('its sources exist and the variant uses it', () => {
    for (const src of sharedpool.boxes.lockfree.sources) expect(existsSync(join(sharedpool.root, src)), src).toBe(true);
    expect(variantInfo(hk).boxes.sharedpool).toMatchObject({ box: 'lockfree', package: '@hakmem/sharedpool' });
  });

  sharedpoolConformance(() => hk);
});
