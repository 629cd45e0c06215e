// Published as `@hakmem/superslab/conformance` (vitest is a peer dependency): a box author runs it
// against an addon of a variant with their box, as this package's own tests do.
// The superslab slot's conformance suite: what every superslab box promises, checked through a
// built addon, plus the page-level probes the box tests use. Each box's test file runs it
// (superslab.native.test.ts for the default variant's box, <box>.native.test.ts for the others).
import { expect, it } from 'vitest';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { classCount, classOf, classSize, type HakmemAddon } from '@hakmem/native';
import { CHUNK_SIZE, chunkCount, chunkOf, slabClass } from './index.js';

const PAGE = 4096n;
export const CHUNK_PAGES = Number(CHUNK_SIZE / PAGE);

/** How many of the `pages` pages from `addr` are resident in this process (/proc/self/pagemap). */
export function residentPages(addr: bigint, pages: number): number {
  const buf = Buffer.alloc(8 * pages);
  const fd = openSync('/proc/self/pagemap', 'r');
  try {
    readSync(fd, buf, 0, buf.length, Number((addr / PAGE) * 8n));
  } finally {
    closeSync(fd);
  }
  let n = 0;
  for (let i = 0; i < pages; i++) if (buf.readBigUInt64LE(8 * i) >> 63n) n++;
  return n;
}

/** The /proc/self/smaps fields of the mapping holding `addr`. */
export function smapsOf(addr: bigint): Record<string, string> {
  const fields: Record<string, string> = {};
  let inside = false;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (range) {
      if (inside) break;
      inside = BigInt(`0x${range[1]}`) <= addr && addr < BigInt(`0x${range[2]}`);
    } else if (inside) {
      const m = /^(\w+):\s+(.*)$/.exec(line);
      if (m) fields[m[1]] = m[2].trim();
    }
  }
  return fields;
}

/**
 * Mallocs blocks of the largest slab class (whole-chunk slabs, a few blocks each) until one
 * comes from a newly mapped chunk; returns that chunk and every block, to free.
 */
export function blockInNewChunk(hk: HakmemAddon): { chunk: bigint; held: bigint[] } {
  const size = classSize(hk, classCount(hk) - 1);
  const held: bigint[] = [];
  for (let i = 0; i < 64; i++) {
    const before = hk.osStats().chunks;
    const p = hk.malloc(size);
    held.push(p);
    if (hk.osStats().chunks > before) return { chunk: chunkOf(hk, p), held };
  }
  throw new Error('no new chunk after 64 blocks of the largest class');
}

export function superslabConformance(hk: () => HakmemAddon): void {
  it('maps a block to its chunk by masking', () => {
    const h = hk();
    const p = h.malloc(64);
    const base = chunkOf(h, p);
    expect(base).not.toBe(0n);
    expect(base).toBe(p & ~(CHUNK_SIZE - 1n));
    expect(chunkCount(h)).toBeGreaterThanOrEqual(1);
    expect(h.osStats().chunks).toBeGreaterThanOrEqual(1);
    h.free(p);
  });

  it('says 0 for addresses that are not its own', () => {
    const h = hk();
    expect(chunkOf(h, 0n)).toBe(0n);
    expect(chunkOf(h, 0x1235n)).toBe(0n);
    expect(chunkOf(h, 0x7000_0000_1235n)).toBe(0n);
    expect(slabClass(h, 0x1235n)).toBe(-1);
  });

  it('every slab serves one size class', () => {
    const h = hk();
    for (let c = 0; c < classCount(h); c++) {
      const size = classSize(h, c);
      expect(classOf(h, size)).toBe(c);
      const p = h.malloc(size);
      expect(slabClass(h, p)).toBe(c);
      expect(chunkOf(h, p)).toBe(p & ~(CHUNK_SIZE - 1n));
      expect(h.usableSize(p)).toBeGreaterThanOrEqual(size);
      h.free(p);
    }
  });

  it('a new chunk is registered, and a large mapping is registered until it is unmapped', () => {
    const h = hk();
    const { chunk, held } = blockInNewChunk(h);
    expect(chunkOf(h, chunk + 12345n)).toBe(chunk);
    for (const p of held) h.free(p);
    const big = h.malloc(64 << 20); // past any large cache
    expect(chunkOf(h, big)).toBe(big & ~(CHUNK_SIZE - 1n));
    const registered = chunkCount(h);
    h.free(big);
    expect(chunkCount(h)).toBe(registered - 1);
    expect(chunkOf(h, big)).toBe(0n);
  });
}
