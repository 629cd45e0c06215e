import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import refill, { slabs } from '../src/index.js';

describe('@hakmem/refill manifest', () => {
  it('declares the refill slot with the batch and adaptive boxes, sharing the slab code', () => {
    expect(refill.slot).toBe('refill');
    expect(refill.packageName).toBe('@hakmem/refill');
    expect(Object.keys(refill.boxes)).toEqual(['batch', 'adaptive']);
    expect(refill.boxes.batch.sources).toEqual(['c/batch/hk_refill_batch.c']);
    expect(refill.boxes.adaptive.sources).toEqual(['c/adaptive/hk_refill_adaptive.c']);
    for (const b of Object.values(refill.boxes)) {
      expect(b.base).toBe(slabs);
      expect(b.tunables.keepSpare).toBe(slabs.tunables.keepSpare);
      expect(b.tunables.shuffle).toBe(slabs.tunables.shuffle);
    }
    expect(slabs.sources).toEqual(['c/common/hk_refill_slabs.c']);
    expect(existsSync(join(slabs.root, slabs.include, slabs.header))).toBe(true);
    expect(refill.boxes.batch.tunables).toMatchObject({
      batchBlocks: { type: 'int', default: 64, min: 4, max: 1024 },
      batchBytes: { type: 'int', default: 65536, min: 1024, max: 4194304 },
    });
    expect(refill.boxes.adaptive.tunables).toMatchObject({
      minBatch: { type: 'int', default: 8, min: 1, max: 1024 },
      maxBatch: { type: 'int', default: 128, min: 4, max: 4096 },
      maxBytes: { type: 'int', default: 65536, min: 1024, max: 4194304 },
    });
  });
});
