// Published as `@hakmem/large/conformance` (vitest is a peer dependency): a box author runs it
// against an addon of a variant with their box, as this package's own tests do.
// The large slot's conformance suite: what every large box promises, checked through a built
// addon. Each box's test file runs it (large.native.test.ts for the default variant's box,
// <box>.native.test.ts for the others, built by describeBoxVariant).
import { expect, it } from 'vitest';
import { probeNumber, type HakmemAddon } from '@hakmem/native';

export const MiB = 1024 * 1024;
const CHUNK = 2n * BigInt(MiB);
const classify = (hk: HakmemAddon, p: bigint) => probeNumber(hk, 'core', 'classify', p);

export function largeConformance(hk: () => HakmemAddon): void {
  it('a large block is writable, at least as big as asked, and on its own registered mapping', () => {
    const h = hk();
    for (const size of [300 * 1024, 4 * MiB, 9 * MiB + 123]) {
      const p = h.malloc(size);
      expect(p).not.toBe(0n);
      expect(p % 16n).toBe(0n);
      expect(h.usableSize(p)).toBeGreaterThanOrEqual(size);
      expect(classify(h, p)).toBe(2);
      expect(probeNumber(h, 'superslab', 'chunk_of', p)).toBe(Number(p & ~(CHUNK - 1n)));
      h.fill(p, 0x5a, size);
      expect(h.check(p, 0x5a, size)).toBe(true);
      h.free(p);
    }
  });

  it('calloc returns zeroed memory, also where a freed block was', () => {
    const h = hk();
    const p = h.malloc(4 * MiB);
    h.fill(p, 0xff, 4 * MiB);
    h.free(p);
    const q = h.calloc(1, 4 * MiB);
    expect(h.check(q, 0, 4 * MiB)).toBe(true);
    h.free(q);
  });

  it('realloc of a large block keeps its contents', () => {
    const h = hk();
    const p = h.malloc(3 * MiB);
    h.fill(p, 0x3c, 3 * MiB);
    const q = h.realloc(p, 9 * MiB);
    expect(q).not.toBe(0n);
    expect(h.check(q, 0x3c, 3 * MiB)).toBe(true);
    h.free(q);
  });

  it('blocks aligned to 2 MiB and more (outside the registry) are found, usable and freed', () => {
    const h = hk();
    for (const align of [2 * MiB, 8 * MiB]) {
      const p = h.memalign(align, 3 * MiB);
      expect(p).not.toBe(0n);
      expect(p % BigInt(align)).toBe(0n);
      expect(classify(h, p)).toBe(2);
      expect(h.usableSize(p)).toBeGreaterThanOrEqual(3 * MiB);
      h.fill(p, 0x11, 3 * MiB);
      expect(h.check(p, 0x11, 3 * MiB)).toBe(true);
      h.free(p);
      expect(classify(h, p)).toBe(0);
    }
  });

  it('a pointer inside a large block is not a block', () => {
    const h = hk();
    const p = h.malloc(4 * MiB);
    expect(classify(h, p + 4096n)).toBe(0);
    const before = probeNumber(h, 'core', 'invalid_frees');
    h.free(p + 4096n);
    expect(probeNumber(h, 'core', 'invalid_frees')).toBe(before + 1);
    expect(classify(h, p)).toBe(2);
    h.free(p);
  });
}
