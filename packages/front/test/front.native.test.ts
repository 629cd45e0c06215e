// Checks the tcache box through the real build: dist/default/hakmem.node.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { classCount, classOf, classSize, loadHakmem, variantInfo } from '@hakmem/native';
import front, { frontCapacity, frontCount } from '../src/index.js';

const hk = loadHakmem(resolve(front.root, '../../dist/default'));

describe('front/tcache in the default variant', () => {
  it('its sources exist and the variant uses it', () => {
    for (const src of front.boxes.tcache.sources) expect(existsSync(join(front.root, src)), src).toBe(true);
    expect(variantInfo(hk).boxes.front).toMatchObject({ box: 'tcache', package: '@hakmem/front' });
  });

  it('a freed block goes onto the thread cache and is the next one malloc returns', () => {
    const cls = classOf(hk, 64);
    expect(cls).toBeGreaterThanOrEqual(0);
    const p = hk.malloc(64);
    expect(p).not.toBe(0n);
    const before = frontCount(hk, cls);
    hk.free(p);
    expect(frontCount(hk, cls)).toBe(before + 1);
    const q = hk.malloc(64);
    expect(q).toBe(p);
    expect(frontCount(hk, cls)).toBe(before);
    hk.free(q);
  });

  it('capacity respects maxBlocks and maxBytes', () => {
    const n = classCount(hk);
    expect(n).toBeGreaterThan(0);
    for (let c = 0; c < n; c++) {
      const cap = frontCapacity(hk, c);
      expect(cap).toBeGreaterThanOrEqual(1);
      expect(cap).toBeLessThanOrEqual(256);
      if (cap > 1) expect(cap * classSize(hk, c)).toBeLessThanOrEqual(262144);
    }
  });

  it('never caches more than its capacity: overflow drains back', () => {
    const size = 96;
    const cls = classOf(hk, size);
    const cap = frontCapacity(hk, cls);
    const blocks = Array.from({ length: cap * 3 }, () => hk.malloc(size));
    expect(new Set(blocks).size).toBe(blocks.length);
    for (const p of blocks) {
      hk.free(p);
      expect(frontCount(hk, cls)).toBeLessThanOrEqual(cap);
    }
    expect(frontCount(hk, cls)).toBeGreaterThan(0);
  });

  it('the cache is per thread: a block freed on another thread does not land in ours', () => {
    const cls = classOf(hk, 64);
    const p = hk.malloc(64);
    const before = frontCount(hk, cls);
    hk.freeOnOtherThread(p);
    expect(frontCount(hk, cls)).toBe(before);
  });
});
