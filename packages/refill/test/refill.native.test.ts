// Checks the batch box through the real build: dist/default/hakmem.node.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { classCount, classSize, loadHakmem, variantInfo } from '@hakmem/native';
import refill, { refillBatch } from '../src/index.js';
import { frontCapacity, refillConformance } from '../src/conformance.js';

const hk = loadHakmem(resolve(refill.root, '../../dist/default'));

describe('refill/batch in the default variant', () => {
  it('its sources exist and the variant uses it', () => {
    for (const src of refill.boxes.batch.sources) expect(existsSync(join(refill.root, src)), src).toBe(true);
    expect(variantInfo(hk).boxes.refill).toMatchObject({ box: 'batch', package: '@hakmem/refill' });
  });

  refillConformance(() => hk);

  it('batches are fixed: batchBlocks, capped by batchBytes and the front capacity', () => {
    const t = variantInfo(hk).tunables.refill;
    for (let c = 0; c < classCount(hk); c++) {
      const want = Math.min(
        Number(t.batchBlocks),
        Math.floor(Number(t.batchBytes) / classSize(hk, c)),
        frontCapacity(hk, c),
      );
      expect(refillBatch(hk, c)).toBe(Math.max(1, want));
    }
  });
});
