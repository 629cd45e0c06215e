// Checks the batch box through the real build: dist/default/hakmem.node.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { classCount, classOf, classSize, loadHakmem, variantInfo } from '@hakmem/native';
import refill, { refillBatch } from '../src/index.js';
import { emptyFront, frontCapacity, frontCount, refillConformance } from '../src/conformance.js';

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

  it("blocks other threads freed go onto the owner's front at its next miss, up to the limit", () => {
    expect(variantInfo(hk).tunables.refill.collectToFront).toBe(true);
    const size = 200;
    const cls = classOf(hk, size);
    const held = emptyFront(hk, size);
    const cap = frontCapacity(hk, cls);
    // the addon frees each on a thread that then exits, which hands the block over to this heap
    const back = held.splice(0, 10);
    for (const p of back) hk.freeOnOtherThread(p);
    expect(frontCount(hk, cls)).toBe(0);
    const q = hk.malloc(size); // the miss collects them: one is handed out, the rest wait in the front
    expect(back).toContain(q);
    expect(frontCount(hk, cls)).toBe(back.length - 1);
    const next = Array.from({ length: back.length - 1 }, () => hk.malloc(size));
    expect(new Set([q, ...next])).toEqual(new Set(back));
    held.push(q, ...next);
    // more than the front takes: it stops one below its limit (a push at the limit asks for a
    // drain), and the rest go back to their slabs
    const many = Array.from({ length: cap + 20 }, () => hk.malloc(size));
    held.push(...emptyFront(hk, size));
    for (const p of many) hk.freeOnOtherThread(p);
    const r = hk.malloc(size);
    expect(many).toContain(r);
    expect(frontCount(hk, cls)).toBe(cap - 2);
    held.push(r);
    for (const p of held) hk.free(p);
  });
});
