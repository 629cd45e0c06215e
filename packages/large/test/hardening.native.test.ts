// The large slot's hardening in the named variants: secure (tunables guard and scrub on; its
// checked gate aborts on the conformance suite's deliberate interior free, so the suite runs
// with guard and scrub in guard-bigcache and guard-direct) and default (both off: layout and
// figures as before, but the record checksum holds). Overflows and forged headers run
// test/c/large_hardening.c in a child process, which must die (SIGSEGV at the guard page,
// SIGABRT on a forged record).
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadHakmem, probeNumber, variantInfo, type HakmemAddon } from '@hakmem/native';
import * as n from '../../../native/test/helpers.js';
import { largeCached, largeCachedBytes } from '../src/index.js';
import { MiB } from '../src/conformance.js';
import { CHUNK, PAGE, distOf, expectForgeAborts, expectGuardFault, guardedLen, up } from './hardening.js';

describe('large hardening in the secure variant (guard and scrub on)', () => {
  const dist = distOf('secure');
  const hk = (): HakmemAddon => loadHakmem(dist);

  it('is built with guard and scrub on, on the bigcache box', () => {
    expect(existsSync(join(dist, 'hakmem.node')), 'pnpm build:variant secure').toBe(true);
    const info = variantInfo(hk()) as unknown as { boxes: { large: { box: string } }; tunables: { large: object } };
    expect(info.boxes.large.box).toBe('bigcache');
    expect(info.tunables.large).toMatchObject({ guard: true, scrub: true });
  });

  for (const kind of ['fresh', 'cached', 'grown', 'aligned2m', 'aligned8m', 'aligned64k']) {
    it(`a write one byte past the usable end of a ${kind} block faults (SIGSEGV)`, () => {
      expectGuardFault(n, dist, kind);
    });
  }

  it('the block ends at its guard page; the guard page counts in bytes_mapped and in the cache, and all of it goes back', () => {
    const h = hk();
    h.trim();
    expect(largeCached(h)).toBe(0);
    const size = 3 * MiB + 100;
    const os0 = h.osStats();
    const p = h.malloc(size);
    const os1 = h.osStats();
    expect(os1.largeMaps).toBe(os0.largeMaps + 1);
    expect(os1.bytesMapped - os0.bytesMapped).toBe(guardedLen(size));
    expect(h.usableSize(p)).toBe(up(size, 16)); // no byte beyond the guard reported
    expect((p + BigInt(h.usableSize(p))) % BigInt(PAGE)).toBe(0n);
    expect(p & ~(CHUNK - 1n)).toBe(BigInt(probeNumber(h, 'superslab', 'chunk_of', p))); // in its header's chunk
    h.free(p);
    expect(largeCached(h)).toBe(1);
    expect(largeCachedBytes(h)).toBe(guardedLen(size));
    expect(h.osStats().bytesMapped).toBe(os1.bytesMapped); // cached, still mapped
    h.trim();
    expect(largeCachedBytes(h)).toBe(0);
    expect(h.osStats().bytesMapped).toBe(os0.bytesMapped); // the guard page went too
  });

  it('a cached mapping reused under scrub reads as zero, for the same size, a smaller and a bigger block', () => {
    const h = hk();
    h.trim();
    const p = h.malloc(4 * MiB);
    h.fill(p, 0xab, h.usableSize(p));
    h.free(p);
    const q = h.malloc(3 * MiB);
    expect(q).toBe(p); // the cached mapping, reused
    expect(h.check(q, 0, h.usableSize(q))).toBe(true);
    h.fill(q, 0xcd, h.usableSize(q));
    h.free(q);
    const r = h.malloc(4 * MiB - 64);
    expect(r & ~(CHUNK - 1n)).toBe(p & ~(CHUNK - 1n));
    expect(h.check(r, 0, h.usableSize(r))).toBe(true); // 0xab and 0xcd both gone
    h.free(r);
  });

  it('a grown mapping (none cached fitted) reads as zero under scrub, without calloc', () => {
    const h = hk();
    h.trim();
    const blocks = Array.from({ length: 6 }, () => h.malloc(2 * MiB));
    for (const b of blocks) h.fill(b, 0xee, h.usableSize(b));
    for (const b of blocks) h.free(b);
    const chunks = probeNumber(h, 'superslab', 'chunks');
    const q = h.malloc(20 * MiB);
    expect(probeNumber(h, 'superslab', 'chunks')).toBe(chunks); // grown, not mapped afresh
    expect(h.check(q, 0, h.usableSize(q))).toBe(true);
    h.fill(q, 0x77, h.usableSize(q)); // the old guard page inside it is writable
    h.free(q);
  });

  for (const [field, use] of [
    ['map_len', 'free'],
    ['offset', 'free'],
    ['map_len', 'usable'],
  ]) {
    it(`a forged record (${field}) makes ${use === 'free' ? 'free' : 'malloc_usable_size'} abort, and the program's own mapping next to the block survives`, () => {
      expectForgeAborts(n, dist, field, use);
    });
  }
});

describe('large in the default variant (guard and scrub off): layout and figures unchanged', () => {
  const dist = distOf('default');
  const hk = (): HakmemAddon => loadHakmem(dist);

  it('is built with guard and scrub off', () => {
    const info = variantInfo(hk()) as unknown as { tunables: { large: object } };
    expect(info.tunables.large).toMatchObject({ guard: false, scrub: false });
  });

  it('the block follows the header page, page-rounded; no guard page is mapped or cached', () => {
    const h = hk();
    h.trim();
    const size = 3 * MiB + 100;
    const len = up(PAGE + size, PAGE);
    const os0 = h.osStats();
    const p = h.malloc(size);
    expect(p % CHUNK).toBe(BigInt(PAGE));
    expect(h.usableSize(p)).toBe(len - PAGE);
    expect(h.osStats().bytesMapped - os0.bytesMapped).toBe(len);
    h.fill(p, 0x31, h.usableSize(p));
    h.free(p);
    expect(largeCachedBytes(h)).toBe(len);
    h.trim();
    expect(h.osStats().bytesMapped).toBe(os0.bytesMapped);
  });

  it('a reused mapping is not scrubbed (malloc sees the old bytes), calloc still zeroes', () => {
    const h = hk();
    h.trim();
    const p = h.malloc(4 * MiB);
    h.fill(p, 0xab, 4 * MiB);
    h.free(p);
    const q = h.malloc(4 * MiB);
    expect(q).toBe(p);
    expect(h.check(q, 0xab, 4 * MiB)).toBe(true);
    h.free(q);
    const r = h.calloc(1, 4 * MiB);
    expect(r).toBe(p);
    expect(h.check(r, 0, 4 * MiB)).toBe(true);
    h.free(r);
  });

  for (const [field, use] of [
    ['map_len', 'free'],
    ['offset', 'free'],
  ]) {
    it(`the record checksum holds in every variant: a forged ${field} makes free abort`, () => {
      expectForgeAborts(n, dist, field, use);
    });
  }
});
