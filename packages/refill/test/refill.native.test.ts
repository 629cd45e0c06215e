// Checks the batch box through the real build: dist/default/hakmem.node.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { classCount, classOf, classSize, loadHakmem, probeNumber, variantInfo } from '@hakmem/native';
import refill, { refillBatch } from '../src/index.js';

const hk = loadHakmem(resolve(refill.root, '../../dist/default'));
const frontCount = (cls: number) => probeNumber(hk, 'front', 'count', cls);

describe('refill/batch in the default variant', () => {
  it('its sources exist and the variant uses it', () => {
    for (const src of refill.boxes.batch.sources) expect(existsSync(join(refill.root, src)), src).toBe(true);
    expect(variantInfo(hk).boxes.refill).toMatchObject({ box: 'batch', package: '@hakmem/refill' });
  });

  it('batches respect batchBlocks and batchBytes', () => {
    for (let c = 0; c < classCount(hk); c++) {
      const b = refillBatch(hk, c);
      const size = classSize(hk, c);
      expect(b).toBeGreaterThanOrEqual(1);
      expect(b).toBeLessThanOrEqual(64);
      expect(b * size).toBeLessThanOrEqual(Math.max(65536, size));
    }
  });

  it('a miss refills at most one batch into the front', () => {
    const size = 200;
    const cls = classOf(hk, size);
    const held: bigint[] = [];
    // Empty this thread's cache of the class, then miss once.
    for (let i = 0; i < 10_000 && (held.length === 0 || frontCount(cls) > 0); i++) held.push(hk.malloc(size));
    expect(frontCount(cls)).toBe(0);
    held.push(hk.malloc(size));
    const after = frontCount(cls);
    expect(after).toBeGreaterThanOrEqual(0);
    expect(after).toBeLessThanOrEqual(refillBatch(hk, cls) - 1);
    for (const p of held) hk.free(p);
  });

  it('every block a refill hands out is distinct and holds its own bytes', () => {
    const size = 48;
    const n = refillBatch(hk, classOf(hk, size)) * 5 + 3;
    const blocks = Array.from({ length: n }, () => hk.malloc(size));
    expect(new Set(blocks).size).toBe(n);
    blocks.forEach((p, i) => {
      expect(hk.usableSize(p)).toBeGreaterThanOrEqual(size);
      hk.fill(p, i & 0xff, size);
    });
    blocks.forEach((p, i) => expect(hk.check(p, i & 0xff, size)).toBe(true));
    for (const p of blocks) hk.free(p);
  });
});
