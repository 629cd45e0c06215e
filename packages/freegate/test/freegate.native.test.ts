// Checks the fast box through the real build: dist/default/hakmem.node.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadHakmem, variantInfo } from '@hakmem/native';
import freegate, { classify, FOREIGN, foreignFrees, LARGE_BLOCK, SLAB_BLOCK } from '../src/index.js';

const hk = loadHakmem(resolve(freegate.root, '../../dist/default'));
const MiB = 1024 * 1024;

describe('freegate/fast in the default variant', () => {
  it('its sources exist and the variant uses it', () => {
    for (const src of freegate.boxes.fast.sources) expect(existsSync(join(freegate.root, src)), src).toBe(true);
    const v = variantInfo(hk);
    expect(v.boxes.freegate).toMatchObject({ box: 'fast', package: '@hakmem/freegate' });
    expect(v.tunables.freegate).toEqual({ onForeign: 'report' });
  });

  it('classifies slab blocks, large blocks and foreign addresses', () => {
    const small = hk.malloc(64);
    const big = hk.malloc(4 * MiB);
    expect(classify(hk, small)).toBe(SLAB_BLOCK);
    expect(classify(hk, big)).toBe(LARGE_BLOCK);
    expect(classify(hk, 0n)).toBe(FOREIGN);
    expect(classify(hk, 0x1235n)).toBe(FOREIGN);
    hk.free(small);
    hk.free(big);
  });

  it('a block freed on another thread is reused later', () => {
    const size = 64;
    const p = hk.malloc(size);
    hk.fill(p, 0x5a, size);
    hk.freeOnOtherThread(p);
    const held: bigint[] = [];
    let found = false;
    for (let i = 0; i < 1 << 20 && !found; i++) {
      const q = hk.malloc(size);
      held.push(q);
      found = q === p;
    }
    for (const q of held) hk.free(q);
    expect(found).toBe(true);
  });

  it('a large block freed on another thread is released', () => {
    const p = hk.malloc(4 * MiB);
    hk.fill(p, 1, 4 * MiB);
    hk.freeOnOtherThread(p);
    const q = hk.malloc(4 * MiB);
    expect(q).not.toBe(0n);
    hk.fill(q, 2, 4 * MiB);
    expect(hk.check(q, 2, 4 * MiB)).toBe(true);
    hk.free(q);
  });

  it('a foreign pointer is reported, and nothing is corrupted', () => {
    const keep = hk.malloc(64);
    hk.fill(keep, 0x77, 64);
    const before = foreignFrees(hk);
    hk.free(0n); // free(NULL) is not foreign
    expect(foreignFrees(hk)).toBe(before);
    hk.free(0x1235n);
    expect(foreignFrees(hk)).toBe(before + 1);
    expect(hk.check(keep, 0x77, 64)).toBe(true);
    hk.free(keep);
  });
});
