import { describe, expect, it } from 'vitest';
import refill from '../src/index.js';

describe('@hakmem/refill manifest', () => {
  it('declares the refill slot with the batch box', () => {
    expect(refill.slot).toBe('refill');
    expect(refill.packageName).toBe('@hakmem/refill');
    expect(Object.keys(refill.boxes)).toEqual(['batch']);
    expect(refill.boxes.batch.sources).toEqual(['c/batch/hk_refill_batch.c']);
    expect(refill.boxes.batch.tunables).toMatchObject({
      batchBlocks: { type: 'int', default: 64, min: 4, max: 1024 },
      batchBytes: { type: 'int', default: 65536, min: 1024, max: 4194304 },
    });
  });
});
