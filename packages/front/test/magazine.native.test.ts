// Checks the magazine box through a real build of a variant that uses it.
import { expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { classOf, variantInfo } from '@hakmem/native';
import { describeBoxVariant } from '@hakmem/test-utils';
import front, { frontCount } from '../src/index.js';
import { expectCapacityLimits, frontConformance } from '../src/conformance.js';

it('front/magazine sources exist', () => {
  for (const src of front.boxes.magazine.sources) expect(existsSync(join(front.root, src)), src).toBe(true);
});

describeBoxVariant('front', 'magazine', (hk) => {
  frontConformance(hk);

  it('capacity is `blocks`, capped by maxBytes per class', () => {
    const t = variantInfo(hk()).tunables.front;
    expect(t).toEqual({ blocks: 64, maxBytes: 131072 });
    expectCapacityLimits(hk(), 64, 131072);
  });

  it("the front writes nothing into a cached block (only the free gate's mark, in word 1)", () => {
    const h = hk();
    const size = 64;
    const p = h.malloc(size);
    h.fill(p, 0xab, size);
    const before = frontCount(h, classOf(h, size));
    h.free(p);
    expect(frontCount(h, classOf(h, size))).toBe(before + 1);
    expect(h.check(p, 0xab, 8)).toBe(true); // the first word, where a list would keep its link
    expect(h.check(p + 8n, 0xab, 8)).toBe(false); // word 1: the free gate's free mark (every variant)
    expect(h.check(p + 16n, 0xab, size - 16)).toBe(true);
    expect(h.malloc(size)).toBe(p);
    h.free(p);
  });
});
