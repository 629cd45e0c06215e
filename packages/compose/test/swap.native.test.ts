// Swapping one box is a one-line change: build the default boxes with block 'checked' in
// place of 'fast' from a temporary config, and show that the result differs from the default
// (its variant.json and its behaviour on a double free) and works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadHakmem, type VariantJson } from '@hakmem/native';
import { buildTestVariant, repoRoot, type TestVariant } from './helpers.js';

const readJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'variant.json'), 'utf8')) as VariantJson;

/** A preloaded C-free program run: python3 double-frees through ctypes, then keeps allocating. */
function doubleFree(dist: string) {
  const script = [
    'import ctypes',
    'libc = ctypes.CDLL(None)',
    'libc.malloc.restype = ctypes.c_void_p',
    'p = libc.malloc(64)',
    'libc.free(ctypes.c_void_p(p))',
    'libc.free(ctypes.c_void_p(p))',
    'print(sum(len(str(i) * 20) for i in range(100000)))',
  ].join('\n');
  return spawnSync('python3', ['-c', script], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, LD_PRELOAD: join(dist, 'libhakmem.so'), PYTHONMALLOC: 'malloc' },
  });
}

describe('swapping the block box of the default variant', () => {
  let swapped: TestVariant;
  const def = join(repoRoot, 'dist', 'default');
  beforeAll(async () => {
    // the default variant's purge box (the helpers' default boxes keep decay)
    swapped = await buildTestVariant(`t-swap-${process.pid}`, { block: 'checked', purge: 'background' });
  }, 120_000);
  afterAll(() => swapped?.remove());

  it('variant.json differs in that slot only', () => {
    const a = readJson(def);
    const b = readJson(swapped.distDir);
    expect(a.boxes.block.box).toBe('fast');
    expect(b.boxes.block.box).toBe('checked');
    for (const slot of Object.keys(a.boxes) as (keyof typeof a.boxes)[]) {
      if (slot !== 'block') expect(b.boxes[slot]).toEqual(a.boxes[slot]);
    }
    expect(b.tunables.block).toEqual({ onInvalid: 'abort' });
  });

  it('behaves differently: a double free is reported by default and aborts in the swapped variant', () => {
    const a = doubleFree(def);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/hakmem: double free of 0x[0-9a-f]+/);
    expect(a.stdout.trim()).toBe('9777800');
    const b = doubleFree(swapped.distDir);
    expect(b.signal).toBe('SIGABRT');
    expect(b.stderr).toMatch(/hakmem: double free of 0x[0-9a-f]+/);
  });

  it('works: the swapped variant allocates and frees through its addon', () => {
    const hk = loadHakmem(swapped.distDir);
    expect(hk.variantName()).toBe(swapped.name);
    const ps = Array.from({ length: 1000 }, (_, i) => {
      const p = hk.malloc(1 + (i % 700));
      hk.fill(p, i & 255, 1 + (i % 700));
      return p;
    });
    ps.forEach((p, i) => {
      expect(hk.check(p, i & 255, 1 + (i % 700))).toBe(true);
      hk.free(p);
    });
  });
});
