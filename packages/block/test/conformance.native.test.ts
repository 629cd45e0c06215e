// The block conformance suite: every box of the slot, through the real build of a named
// variant that uses it: the core's free routing over each box's block state, and the box's
// invalid-free policy. Invalid frees run in a child process (a checking box aborts).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  classify,
  FOREIGN,
  INTERIOR_BLOCK,
  invalidFrees,
  LARGE_BLOCK,
  loadHakmem,
  SLAB_BLOCK,
  variantInfo,
} from '@hakmem/native';
import block, { stateOutOfLine } from '../src/index.js';

const repo = resolve(block.root, '../..');
const MiB = 1024 * 1024;

/** The named variant (hakmem.config.ts) that exercises each box. */
const variantFor: Record<keyof typeof block.boxes, string> = { fast: 'default', checked: 'debug', hardened: 'secure' };

/** Runs `body` (JS using `hk`) in a fresh node process with the variant's addon loaded. */
function child(dist: string, body: string) {
  const script = `const hk = require(${JSON.stringify(join(dist, 'hakmem.node'))});\n${body}\nconsole.log('survived');`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
}

for (const [box, variant] of Object.entries(variantFor)) {
  const dist = join(repo, 'dist', variant);
  describe(`block/${box} (variant ${variant})`, () => {
    it('is the box the variant was built with, from sources that exist', () => {
      for (const src of block.boxes[box as keyof typeof block.boxes].sources)
        expect(existsSync(join(block.root, src)), src).toBe(true);
      expect(existsSync(join(dist, 'hakmem.node')), `pnpm build:variant ${variant}`).toBe(true);
      const hk = loadHakmem(dist);
      expect(variantInfo(hk).boxes.block.box).toBe(box);
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

    const policyAborts = box !== 'fast';
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
      const before = invalidFrees(hk);
      hk.free(0n);
      hk.free(0x7771n);
      expect(invalidFrees(hk)).toBe(before + 1);
    });
  });
}

// What only the hardened box promises: whatever a program writes into a block, a freed block
// never looks live again, a block never handed out is never accepted, a corrupted link or
// canary is never followed, and freed bytes are gone.
describe('block/hardened (variant secure): state out of the block', () => {
  const dist = join(repo, 'dist', 'secure');
  const aborts = (code: string, message: RegExp) => {
    const r = child(dist, code);
    expect(r.stderr, r.stderr).toMatch(message);
    expect(r.signal).toBe('SIGABRT');
    expect(r.stdout).not.toContain('survived');
  };

  it('keeps the live state out of the block: the live_bit probe follows malloc and free', () => {
    const hk = loadHakmem(dist);
    expect(stateOutOfLine(hk)).toBe(true);
    const p = hk.malloc(64);
    expect(hk.probe('block', 'live_bit', p)).toBe(1n);
    hk.fill(p, 0, 64); // the program's writes do not touch it
    expect(hk.probe('block', 'live_bit', p)).toBe(1n);
    hk.free(p);
    expect(hk.probe('block', 'live_bit', p)).toBe(0n);
  });

  it('a double free after the block was zeroed or its second word overwritten aborts', () => {
    aborts('const p = hk.malloc(64); hk.free(p); hk.fill(p, 0, 56); hk.free(p);', /double free of 0x[0-9a-f]+/);
    aborts('const p = hk.malloc(64); hk.free(p); hk.fill(p + 8n, 0x41, 8); hk.free(p);', /double free of 0x[0-9a-f]+/);
  });

  it('a free of a block start never handed out aborts, inside the carved area and past it', () => {
    // 56 bytes and the canary: the 64-byte class. The neighbour of a live block (carved by the
    // same refill, waiting in the front cache), and a block start past the bump pointer
    aborts('const p = hk.malloc(56); const q = hk.malloc(56); hk.free(q > p ? q + 64n : p + 64n);', /double free of/);
    aborts('const p = hk.malloc(56); hk.free(p + 64n * 200n);', /double free of/);
  });

  it('a use-after-free write into a linked free block is caught before the link is followed', () => {
    // 300 blocks freed: more than the front keeps, so some go back onto their slab with a link in word 0
    aborts(
      'const ps = []; for (let i = 0; i < 300; i++) ps.push(hk.malloc(64)); for (const p of ps) hk.free(p); for (const p of ps) hk.fill(p, 0x41, 8); for (let i = 0; i < 600; i++) hk.malloc(64);',
      /free list corrupted/,
    );
  });

  it('a one-bit flip of a link is caught, whichever of its 64 bits flips (test/c/link_bitflip.c)', () => {
    const exe = join(mkdtempSync(join(tmpdir(), 'hk-bitflip-')), 'link_bitflip');
    const cc = spawnSync('gcc', ['-O0', '-o', exe, join(block.root, 'test/c/link_bitflip.c')], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).toBe(0);
    const r = spawnSync(exe, [], { encoding: 'utf8', env: { ...process.env, LD_PRELOAD: join(dist, 'libhakmem.so') } });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual(Array.from({ length: 64 }, (_, b) => `bit ${b} signal 6`)); // SIGABRT, all 64
    expect(r.stderr.match(/free list corrupted/g)?.length).toBe(64);
  });

  it('an overflow into the canary after a block aborts at its free', () => {
    aborts('const p = hk.malloc(40); const n = hk.usableSize(p); hk.fill(p, 0x41, n + 1); hk.free(p);', /canary/);
  });

  it('a freed block holds no data, and a block handed out holds no link', () => {
    const hk = loadHakmem(dist);
    const p = hk.malloc(200);
    hk.fill(p, 0x5a, 200);
    hk.free(p);
    expect(hk.check(p, 0, 200)).toBe(true);
    const held = Array.from({ length: 2000 }, () => hk.malloc(64));
    for (const q of held) expect(hk.check(q, 0, 56), 'a handed-out block starts zeroed').toBe(true);
    for (const q of held) hk.free(q);
  });

  it('zeroMax bounds the clearing: a 3000-byte block is cleared on free, a 16 KiB one keeps its bytes', () => {
    const hk = loadHakmem(dist);
    const small = hk.malloc(3000); // stride 3136 (with the canary)
    const big = hk.malloc(16000);
    hk.fill(small, 0x5a, 3000);
    hk.fill(big, 0x5a, 16000);
    const keep = hk.malloc(16000); // another block of the class stays live: big's slab stays ours
    hk.free(small);
    hk.free(big);
    expect(hk.check(small, 0, 3000), 'cleared: stride 3136 <= zeroMax').toBe(true);
    // word 0 of a freed block may carry a link in other fronts; none in the magazine, and the
    // bytes the program wrote stay (stride 16384 > zeroMax 4096)
    expect(hk.check(big + 8n, 0x5a, 15000), 'not cleared: stride above zeroMax').toBe(true);
    hk.free(keep);
  });

  it('malloc_usable_size of a freed pointer aborts like free', () => {
    aborts(
      'const p = hk.malloc(64); hk.free(p); hk.usableSize(p);',
      /malloc_usable_size of a freed block: 0x[0-9a-f]+/,
    );
  });

  it('the usable size leaves the canary out', () => {
    const hk = loadHakmem(dist);
    const p = hk.malloc(56);
    expect(hk.usableSize(p)).toBe(56);
    const q = hk.malloc(64);
    expect(hk.usableSize(q)).toBe(72); // 64 + 8 needs the 80-byte class
    hk.free(p);
    hk.free(q);
  });
});
