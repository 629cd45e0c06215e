// Checks the lazy box through the real build: dist/default/hakmem.node.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { classCount, classOf, classSize, loadHakmem, variantInfo } from '@hakmem/native';
import superslab, { CHUNK_SIZE, chunkCount, chunkOf, slabClass } from '../src/index.js';

const hk = loadHakmem(resolve(superslab.root, '../../dist/default'));

describe('superslab/lazy in the default variant', () => {
  it('its sources exist and the variant uses it', () => {
    for (const src of superslab.boxes.lazy.sources) expect(existsSync(join(superslab.root, src)), src).toBe(true);
    expect(variantInfo(hk).boxes.superslab).toMatchObject({ box: 'lazy', package: '@hakmem/superslab' });
  });

  it('maps a block to its chunk by masking', () => {
    const p = hk.malloc(64);
    const base = chunkOf(hk, p);
    expect(base).not.toBe(0n);
    expect(base).toBe(p & ~(CHUNK_SIZE - 1n));
    expect(chunkCount(hk)).toBeGreaterThanOrEqual(1);
    expect(hk.osStats().chunks).toBeGreaterThanOrEqual(1);
    hk.free(p);
  });

  it('says 0 for addresses that are not its own', () => {
    expect(chunkOf(hk, 0n)).toBe(0n);
    expect(chunkOf(hk, 0x1235n)).toBe(0n);
    expect(chunkOf(hk, 0x7000_0000_1235n)).toBe(0n);
    expect(slabClass(hk, 0x1235n)).toBe(-1);
  });

  it('every slab serves one size class', () => {
    for (let c = 0; c < classCount(hk); c++) {
      const size = classSize(hk, c);
      expect(classOf(hk, size)).toBe(c);
      const p = hk.malloc(size);
      expect(slabClass(hk, p)).toBe(c);
      expect(chunkOf(hk, p)).toBe(p & ~(CHUNK_SIZE - 1n));
      expect(hk.usableSize(p)).toBeGreaterThanOrEqual(size);
      hk.free(p);
    }
  });
});
