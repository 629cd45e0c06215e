// The quarantine conformance suite, through the named variants that use each box: `default`
// (none) and `paranoid` (random, over the hardened block box, which checks each block as it
// leaves). Aborts run in a child process.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadHakmem, variantInfo } from '@hakmem/native';
import quarantine, { quarantineHeld, quarantineHeldBytes } from '../src/index.js';

const repo = resolve(quarantine.root, '../..');
const dist = (v: string) => join(repo, 'dist', v);

function child(variant: string, body: string) {
  const script = `const hk = require(${JSON.stringify(join(dist(variant), 'hakmem.node'))});\n${body}\nconsole.log('survived');`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
}

describe('quarantine/none (variant default)', () => {
  it('holds nothing: a freed block is the next one handed out', () => {
    expect(existsSync(join(dist('default'), 'hakmem.node')), 'pnpm build:variant default').toBe(true);
    const hk = loadHakmem(dist('default'));
    expect(variantInfo(hk).boxes.quarantine.box).toBe('none');
    const p = hk.malloc(64);
    hk.free(p);
    expect(quarantineHeld(hk)).toBe(0);
    const q = hk.malloc(64);
    expect(q).toBe(p);
    hk.free(q);
  });
});

describe('quarantine/random (variant paranoid)', () => {
  const tunables = () =>
    variantInfo(loadHakmem(dist('paranoid'))).tunables.quarantine as { blocks: number; bytes: number };

  it('holds freed blocks up to its bounds, and a freed block is not the next one handed out', () => {
    expect(existsSync(join(dist('paranoid'), 'hakmem.node')), 'pnpm build:variant paranoid').toBe(true);
    const hk = loadHakmem(dist('paranoid'));
    expect(variantInfo(hk).boxes.quarantine.box).toBe('random');
    const { blocks, bytes } = tunables();
    hk.trim(); // empties this thread's quarantine
    expect(quarantineHeld(hk)).toBe(0);
    const ps = Array.from({ length: blocks * 2 }, () => hk.malloc(48));
    for (const [i, p] of ps.entries()) {
      hk.free(p);
      expect(quarantineHeld(hk)).toBe(Math.min(i + 1, blocks));
    }
    expect(quarantineHeldBytes(hk)).toBeLessThanOrEqual(bytes);
    const p = hk.malloc(48);
    hk.free(p);
    expect(hk.malloc(48)).not.toBe(p);
  });

  it('a big block takes the place of several: the held bytes stay within the bound', () => {
    const hk = loadHakmem(dist('paranoid'));
    const { bytes } = tunables();
    for (let i = 0; i < 200; i++) hk.free(hk.malloc(i % 3 === 0 ? 32_000 : 100));
    expect(quarantineHeldBytes(hk)).toBeLessThanOrEqual(bytes);
    expect(quarantineHeld(hk)).toBeGreaterThan(0);
  });

  it('malloc_trim lets every held block go', () => {
    const hk = loadHakmem(dist('paranoid'));
    for (let i = 0; i < 10; i++) hk.free(hk.malloc(64));
    expect(quarantineHeld(hk)).toBeGreaterThan(0);
    hk.trim();
    expect(quarantineHeld(hk)).toBe(0);
    expect(quarantineHeldBytes(hk)).toBe(0);
  });

  it('a write into a block after its free is caught when the block leaves the quarantine', () => {
    const r = child(
      'paranoid',
      'const p = hk.malloc(64); hk.free(p); hk.fill(p, 0x41, 8); for (let i = 0; i < 100000; i++) hk.free(hk.malloc(64));',
    );
    expect(r.stderr).toMatch(/use after free: a freed block was written while in quarantine, at 0x[0-9a-f]+/);
    expect(r.signal).toBe('SIGABRT');
  });

  it('blocks freed and then left alone are all reused in the end, and threads exit with theirs handed back', () => {
    const r = child(
      'paranoid',
      `const seen = new Set();
       for (let round = 0; round < 50; round++) { const ps = []; for (let i = 0; i < 200; i++) ps.push(hk.malloc(64)); for (const p of ps) { seen.add(p); hk.free(p); } }
       if (seen.size > 200 + 64 * 2 + 256) throw new Error('blocks never came back: ' + seen.size);
       for (let i = 0; i < 20; i++) hk.freeOnOtherThread(hk.malloc(64));
       if (hk.probe('core', 'heaps_check') !== 0n) throw new Error('heaps inconsistent');`,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('survived');
  });
});
