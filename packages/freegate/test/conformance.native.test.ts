// The freegate conformance suite: every box of the slot, through the real build of a named
// variant that uses it. Invalid frees run in a child process (a checking box aborts).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadHakmem, variantInfo } from '@hakmem/native';
import freegate, { classify, FOREIGN, foreignFrees, INTERIOR_BLOCK, LARGE_BLOCK, SLAB_BLOCK } from '../src/index.js';

const repo = resolve(freegate.root, '../..');
const MiB = 1024 * 1024;

/** The named variant (hakmem.config.ts) that exercises each box. */
const variantFor: Record<keyof typeof freegate.boxes, string> = { fast: 'default', checked: 'secure' };

/** Runs `body` (JS using `hk`) in a fresh node process with the variant's addon loaded. */
function child(dist: string, body: string) {
  const script = `const hk = require(${JSON.stringify(join(dist, 'hakmem.node'))});\n${body}\nconsole.log('survived');`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
}

for (const [box, variant] of Object.entries(variantFor)) {
  const dist = join(repo, 'dist', variant);
  describe(`freegate/${box} (variant ${variant})`, () => {
    it('is the box the variant was built with, from sources that exist', () => {
      for (const src of freegate.boxes[box as keyof typeof freegate.boxes].sources)
        expect(existsSync(join(freegate.root, src)), src).toBe(true);
      expect(existsSync(join(dist, 'hakmem.node')), `pnpm build:variant ${variant}`).toBe(true);
      const hk = loadHakmem(dist);
      expect(variantInfo(hk).boxes.freegate.box).toBe(box);
    });

    it('classifies slab blocks, large blocks and foreign addresses; a freed block is no longer live', () => {
      const hk = loadHakmem(dist);
      const small = hk.malloc(64);
      const big = hk.malloc(4 * MiB);
      expect(classify(hk, small)).toBe(SLAB_BLOCK);
      expect(classify(hk, big)).toBe(LARGE_BLOCK);
      expect(classify(hk, small + 16n)).toBe(FOREIGN);
      expect(classify(hk, 0n)).toBe(FOREIGN);
      hk.free(small);
      hk.free(big);
      expect(classify(hk, small)).toBe(FOREIGN);
    });

    it('aligned blocks (alignment above 64) are live while held, wherever they lie in their slab blocks, and freed once', () => {
      const hk = loadHakmem(dist);
      const kinds = new Set<number>();
      const held = Array.from({ length: 64 }, () => hk.memalign(256, 300)); // held together: different slab blocks
      for (const [i, p] of held.entries()) {
        expect(p % 256n).toBe(0n);
        const kind = classify(hk, p);
        expect([SLAB_BLOCK, INTERIOR_BLOCK]).toContain(kind);
        kinds.add(kind);
        expect(hk.usableSize(p)).toBeGreaterThanOrEqual(300);
        hk.fill(p, i, 300);
        expect(classify(hk, p + 16n)).toBe(FOREIGN);
      }
      for (const [i, p] of held.entries()) expect(hk.check(p, i, 300)).toBe(true);
      for (const p of held) hk.free(p);
      for (const p of held) expect(classify(hk, p)).toBe(FOREIGN);
      expect(kinds.has(INTERIOR_BLOCK)).toBe(true);
    });

    it('a block freed by another thread comes back to its owner, contents of others intact', () => {
      const hk = loadHakmem(dist);
      const keep = hk.malloc(48);
      hk.fill(keep, 0x3c, 48);
      const p = hk.malloc(48);
      hk.freeOnOtherThread(p);
      const held: bigint[] = [];
      let found = false;
      for (let i = 0; i < 1 << 20 && !found; i++) {
        const q = hk.malloc(48);
        held.push(q);
        found = q === p;
      }
      for (const q of held) hk.free(q);
      expect(found).toBe(true);
      expect(hk.check(keep, 0x3c, 48)).toBe(true);
      hk.free(keep);
    });

    it('a large block freed by another thread is released and its memory reusable', () => {
      const hk = loadHakmem(dist);
      const p = hk.malloc(4 * MiB);
      hk.fill(p, 1, 4 * MiB);
      hk.freeOnOtherThread(p);
      expect(classify(hk, p)).toBe(FOREIGN);
      const q = hk.malloc(4 * MiB);
      hk.fill(q, 2, 4 * MiB);
      expect(hk.check(q, 2, 4 * MiB)).toBe(true);
      hk.free(q);
    });

    const policyAborts = box === 'checked';
    const cases: [string, string, RegExp][] = [
      ['double free', 'const p = hk.malloc(64); hk.free(p); hk.free(p);', /double free of 0x[0-9a-f]+/],
      ['interior pointer', 'const p = hk.malloc(64); hk.free(p + 16n);', /inside a block.*0x[0-9a-f]+/],
      ['foreign pointer', 'hk.free(0x1235n);', /did not allocate: 0x1235/],
      [
        'interior of a large block',
        'const p = hk.malloc(4 << 20); hk.free(p + 4096n);',
        /inside a large block: 0x[0-9a-f]+/,
      ],
    ];
    for (const [what, code, message] of cases) {
      it(`${what}: ${policyAborts ? 'aborts naming the address' : 'reported once, heap intact'}`, () => {
        const r = child(
          dist,
          `${code}
           const keep = [];
           for (let i = 0; i < 10000; i++) { const q = hk.malloc(64); hk.fill(q, i & 255, 64); keep.push([q, i & 255]); }
           for (const [q, b] of keep) { if (!hk.check(q, b, 64)) throw new Error('corrupted'); hk.free(q); }
           hk.free(0x4321n);`,
        );
        expect(r.stderr).toMatch(message);
        if (policyAborts) {
          expect(r.signal).toBe('SIGABRT');
          expect(r.stdout).not.toContain('survived');
        } else {
          expect(r.status, r.stderr).toBe(0);
          expect(r.stdout).toContain('survived');
          // once: the second invalid free (0x4321) is not printed
          expect(r.stderr.match(/^hakmem: /gm)?.length).toBe(2);
          expect(r.stderr).toContain('further invalid frees are ignored');
          expect(r.stderr).not.toContain('0x4321');
        }
      });
    }

    it('counts invalid frees', () => {
      if (policyAborts) return;
      const hk = loadHakmem(dist);
      const before = foreignFrees(hk);
      hk.free(0n);
      hk.free(0x7771n);
      expect(foreignFrees(hk)).toBe(before + 1);
    });
  });
}
