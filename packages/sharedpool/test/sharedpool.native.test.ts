// Checks the lockfree box through the real build: dist/default/hakmem.node.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadHakmem, probeNumber, variantInfo } from '@hakmem/native';
import sharedpool, { emptyChunks, emptySlabs } from '../src/index.js';

const hk = loadHakmem(resolve(sharedpool.root, '../../dist/default'));
const chunks = () => probeNumber(hk, 'superslab', 'chunks');

/** Allocates n blocks of `size`, writes them, frees them (on this thread or another). */
function round(n: number, size: number, remote = false): void {
  const blocks = Array.from({ length: n }, () => hk.malloc(size));
  blocks.forEach((p, i) => hk.fill(p, i & 0xff, size));
  blocks.forEach((p, i) => expect(hk.check(p, i & 0xff, size)).toBe(true));
  for (const p of blocks) (remote ? hk.freeOnOtherThread(p) : hk.free(p));
}

describe('sharedpool/lockfree in the default variant', () => {
  it('its sources exist and the variant uses it', () => {
    for (const src of sharedpool.boxes.lockfree.sources) expect(existsSync(join(sharedpool.root, src)), src).toBe(true);
    expect(variantInfo(hk).boxes.sharedpool).toMatchObject({ box: 'lockfree', package: '@hakmem/sharedpool' });
  });

  it('pool counts are sane', () => {
    expect(emptySlabs(hk)).toBeGreaterThanOrEqual(0);
    expect(emptyChunks(hk)).toBeGreaterThanOrEqual(0);
    expect(emptyChunks(hk)).toBeLessThanOrEqual(chunks());
  });

  it('reuses memory: repeating the same allocations maps no new chunk', () => {
    round(8192, 1024); // 8 MiB: several chunks
    const c1 = chunks();
    const mapped = hk.osStats().bytesMapped;
    for (let i = 0; i < 3; i++) round(8192, 1024);
    expect(chunks()).toBe(c1);
    expect(hk.osStats().bytesMapped).toBeLessThanOrEqual(mapped);
    expect(emptyChunks(hk)).toBeLessThanOrEqual(chunks());
  });

  it('memory freed by other threads comes back too', () => {
    round(512, 2048, true);
    const c1 = chunks();
    for (let i = 0; i < 3; i++) round(512, 2048, true);
    expect(chunks()).toBeLessThanOrEqual(c1 + 1);
  });
});
