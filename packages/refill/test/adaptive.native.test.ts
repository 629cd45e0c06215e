// Checks the adaptive box through a real build of a variant that uses it.
import { expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { classOf, classSize, variantInfo, type HakmemAddon } from '@hakmem/native';
import { describeBoxVariant } from '@hakmem/test-utils';
import refill, { refillBatch } from '../src/index.js';
import { emptyFront, frontCapacity, frontCount, refillConformance } from '../src/conformance.js';

it('refill/adaptive sources exist', () => {
  for (const src of refill.boxes.adaptive.sources) expect(existsSync(join(refill.root, src)), src).toBe(true);
});

/** The ceiling of a class: maxBatch, maxBytes and the front capacity. */
function limit(hk: HakmemAddon, cls: number): number {
  const t = variantInfo(hk).tunables.refill;
  return Math.max(
    1,
    Math.min(Number(t.maxBatch), Math.floor(Number(t.maxBytes) / classSize(hk, cls)), frontCapacity(hk, cls)),
  );
}

describeBoxVariant('refill', 'adaptive', (hk) => {
  refillConformance(hk);

  it('a thread starts a class at minBatch, doubles on every miss up to the ceiling, halves on every drain', () => {
    const h = hk();
    const size = 1792; // a class no other test here touches: this thread has not refilled it yet
    const cls = classOf(h, size);
    const top = limit(h, cls);
    const floor = Math.min(Number(variantInfo(h).tunables.refill.minBatch), top);
    expect(refillBatch(h, cls)).toBe(floor);

    // Hold more blocks than the front takes, so freeing them below overflows it.
    const held: bigint[] = [];
    const seen: number[] = [];
    for (let b = floor; ; b = Math.min(2 * b, top)) {
      expect(refillBatch(h, cls)).toBe(b);
      held.push(...emptyFront(h, size)); // its first malloc finds the front empty: one miss
      seen.push(b);
      if (b === top && seen.filter((x) => x === top).length > 1 && held.length > 2 * frontCapacity(h, cls)) break;
    }
    expect(seen[0]).toBe(floor);
    expect(seen.at(-1)).toBe(top);

    // Freeing everything overflows the front again and again: every drain halves the batch.
    let b = refillBatch(h, cls);
    let drains = 0;
    for (const p of held) {
      const before = frontCount(h, cls);
      h.free(p);
      if (frontCount(h, cls) < before) {
        b = Math.max(Math.floor(b / 2), floor);
        drains++;
      }
      expect(refillBatch(h, cls)).toBe(b);
    }
    expect(drains).toBeGreaterThan(0);
  });

  it('the batch is per thread: classes this thread never refilled start at minBatch', () => {
    const h = hk();
    const cls = classOf(h, 2560);
    expect(refillBatch(h, cls)).toBe(Math.min(Number(variantInfo(h).tunables.refill.minBatch), limit(h, cls)));
  });
});
