// Published as `@hakmem/front/conformance` (vitest is a peer dependency): a box author runs it
// against an addon of a variant with their box, as this package's own tests do.
// The front slot's conformance suite: what every front box promises, checked through a built
// addon. Each box's test file runs it (front.native.test.ts for the default variant's box,
// <box>.native.test.ts for the others, built by describeBoxVariant).
import { expect, it } from 'vitest';
import { classCount, classOf, type HakmemAddon } from '@hakmem/native';
import { frontCapacity, frontCount } from './index.js';

export function frontConformance(hk: () => HakmemAddon): void {
  it('a freed block goes onto the thread cache and is the next one malloc returns', () => {
    const h = hk();
    const cls = classOf(h, 64);
    expect(cls).toBeGreaterThanOrEqual(0);
    const p = h.malloc(64);
    expect(p).not.toBe(0n);
    const held: bigint[] = []; // room for one more, so the free does not drain
    while (frontCount(h, cls) + 1 >= frontCapacity(h, cls)) held.push(h.malloc(64));
    const before = frontCount(h, cls);
    h.free(p);
    expect(frontCount(h, cls)).toBe(before + 1);
    const q = h.malloc(64);
    expect(q).toBe(p);
    expect(frontCount(h, cls)).toBe(before);
    h.free(q);
    for (const b of held) h.free(b);
  });

  it('every class has a capacity of at least one block', () => {
    const h = hk();
    const n = classCount(h);
    expect(n).toBeGreaterThan(0);
    for (let c = 0; c < n; c++) expect(frontCapacity(h, c)).toBeGreaterThanOrEqual(1);
  });

  it('never caches more than its capacity: overflow drains back', () => {
    const h = hk();
    const size = 96;
    const cls = classOf(h, size);
    const cap = frontCapacity(h, cls);
    const blocks = Array.from({ length: cap * 3 }, () => h.malloc(size));
    expect(new Set(blocks).size).toBe(blocks.length);
    for (const p of blocks) {
      h.free(p);
      expect(frontCount(h, cls)).toBeLessThanOrEqual(cap);
    }
    expect(frontCount(h, cls)).toBeGreaterThan(0);
  });

  it('blocks that went through the cache and back out are distinct and keep their bytes', () => {
    const h = hk();
    const size = 32;
    const n = frontCapacity(h, classOf(h, size)) * 2 + 5;
    for (let round = 0; round < 3; round++) {
      const blocks = Array.from({ length: n }, () => h.malloc(size));
      expect(new Set(blocks).size).toBe(n);
      blocks.forEach((p, i) => h.fill(p, (i + round) & 0xff, size));
      blocks.forEach((p, i) => expect(h.check(p, (i + round) & 0xff, size)).toBe(true));
      for (const p of blocks) h.free(p);
    }
  });

  it('the cache is per thread: a block freed on another thread does not land in ours', () => {
    const h = hk();
    const cls = classOf(h, 64);
    const p = h.malloc(64);
    const before = frontCount(h, cls);
    h.freeOnOtherThread(p);
    expect(frontCount(h, cls)).toBe(before);
  });
}

/** Capacity per class for a box limited by `maxBlocks` blocks and `maxBytes` bytes per class. */
export function expectCapacityLimits(hk: HakmemAddon, maxBlocks: number, maxBytes: number): void {
  for (let c = 0; c < classCount(hk); c++) {
    const cap = frontCapacity(hk, c);
    const size = Number(hk.probe('core', 'class_size', c));
    expect(cap).toBe(Math.max(1, Math.min(maxBlocks, Math.floor(maxBytes / size))));
  }
}
