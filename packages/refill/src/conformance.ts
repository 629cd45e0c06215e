// Published as `@hakmem/refill/conformance` (vitest is a peer dependency): a box author runs it
// against an addon of a variant with their box, as this package's own tests do.
// The refill slot's conformance suite: what every refill box promises, checked through a built
// addon. Each box's test file runs it (refill.native.test.ts for the default variant's box,
// <box>.native.test.ts for the others, built by describeBoxVariant).
import { expect, it } from 'vitest';
import { classCount, classOf, probeNumber, type HakmemAddon } from '@hakmem/native';
import { refillBatch } from './index.js';

export const frontCount = (hk: HakmemAddon, cls: number): number => probeNumber(hk, 'front', 'count', cls);
export const frontCapacity = (hk: HakmemAddon, cls: number): number => probeNumber(hk, 'front', 'capacity', cls);

/** Mallocs blocks of `size` until this thread's front holds none of its class; returns them. */
export function emptyFront(hk: HakmemAddon, size: number): bigint[] {
  const cls = classOf(hk, size);
  const held: bigint[] = [];
  for (let i = 0; i < 100_000 && (held.length === 0 || frontCount(hk, cls) > 0); i++) held.push(hk.malloc(size));
  expect(frontCount(hk, cls)).toBe(0);
  return held;
}

export function refillConformance(hk: () => HakmemAddon): void {
  it('every batch moves at least one block and fits the front', () => {
    const h = hk();
    for (let c = 0; c < classCount(h); c++) {
      const b = refillBatch(h, c);
      expect(b).toBeGreaterThanOrEqual(1);
      expect(b).toBeLessThanOrEqual(frontCapacity(h, c));
    }
  });

  it('a miss refills at most one batch into the front', () => {
    const h = hk();
    const size = 200;
    const cls = classOf(h, size);
    const held = emptyFront(h, size);
    const batch = refillBatch(h, cls);
    held.push(h.malloc(size));
    const after = frontCount(h, cls);
    expect(after).toBeGreaterThanOrEqual(0);
    expect(after).toBeLessThanOrEqual(batch - 1);
    for (const p of held) h.free(p);
  });

  it('every block a refill hands out is distinct and holds its own bytes', () => {
    const h = hk();
    const size = 48;
    const n = refillBatch(h, classOf(h, size)) * 5 + 3;
    const blocks = Array.from({ length: n }, () => h.malloc(size));
    expect(new Set(blocks).size).toBe(n);
    blocks.forEach((p, i) => {
      expect(h.usableSize(p)).toBeGreaterThanOrEqual(size);
      h.fill(p, i & 0xff, size);
    });
    blocks.forEach((p, i) => expect(h.check(p, i & 0xff, size)).toBe(true));
    for (const p of blocks) h.free(p);
  });

  it('blocks drained and freed from other threads go back to their slabs: repeating maps nothing new', () => {
    const h = hk();
    const chunks = () => probeNumber(h, 'superslab', 'chunks');
    const round = (remote: boolean) => {
      const blocks = Array.from({ length: 3000 }, () => h.malloc(256));
      for (const p of blocks) remote ? h.freeOnOtherThread(p) : h.free(p);
    };
    round(false);
    round(true);
    const c1 = chunks();
    for (let i = 0; i < 3; i++) {
      round(false);
      round(true);
    }
    expect(chunks()).toBe(c1);
  });
}
