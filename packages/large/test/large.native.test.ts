// Checks the bigcache box through the real build: dist/default/hakmem.node.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadHakmem, probeNumber, variantInfo } from '@hakmem/native';
import large, { largeCached, largeCachedBytes } from '../src/index.js';
import { MiB, largeConformance } from '../src/conformance.js';

const hk = loadHakmem(resolve(large.root, '../../dist/default'));

describe('large/bigcache in the default variant', () => {
  it('its sources exist and the variant uses it', () => {
    for (const src of large.boxes.bigcache.sources) expect(existsSync(join(large.root, src)), src).toBe(true);
    expect(variantInfo(hk).boxes.large).toMatchObject({ box: 'bigcache', package: '@hakmem/large' });
  });

  it('a freed 4 MiB block is cached and the next malloc of that size reuses it', () => {
    const p = hk.malloc(4 * MiB);
    expect(p).not.toBe(0n);
    expect(hk.usableSize(p)).toBeGreaterThanOrEqual(4 * MiB);
    hk.fill(p, 0xab, 4 * MiB);
    expect(hk.check(p, 0xab, 4 * MiB)).toBe(true);
    const cached = largeCached(hk);
    const bytes = largeCachedBytes(hk);
    hk.free(p);
    expect(largeCached(hk)).toBe(cached + 1);
    expect(largeCachedBytes(hk)).toBeGreaterThanOrEqual(bytes + 4 * MiB);
    const q = hk.malloc(4 * MiB);
    expect(q).toBe(p);
    expect(largeCached(hk)).toBe(cached);
    hk.free(q);
  });

  it('the cache is bounded by cacheEntries and cacheBytes', () => {
    const blocks = Array.from({ length: 24 }, () => hk.malloc(4 * MiB));
    for (const p of blocks) hk.free(p);
    expect(largeCached(hk)).toBeLessThanOrEqual(16);
    expect(largeCachedBytes(hk)).toBeLessThanOrEqual(64 * MiB);
  });

  it('a request bigger than every cached mapping grows the biggest one: its pages move into the new mapping (no mapping more, one cached less) and calloc still gets zeros', () => {
    const blocks = Array.from({ length: 8 }, () => hk.malloc(2 * MiB));
    for (const p of blocks) hk.fill(p, 0xee, 2 * MiB);
    for (const p of blocks) hk.free(p);
    const cached = largeCached(hk);
    const bytes = largeCachedBytes(hk);
    const chunks = probeNumber(hk, 'superslab', 'chunks');
    expect(cached).toBeGreaterThan(0);
    const size = 40 * MiB; // more than cacheBytes: no cached mapping fits
    const q = hk.calloc(1, size);
    expect(q).not.toBe(0n);
    expect(largeCached(hk)).toBe(cached - 1);
    expect(largeCachedBytes(hk)).toBeLessThanOrEqual(bytes - 2 * MiB);
    expect(probeNumber(hk, 'superslab', 'chunks')).toBe(chunks); // one registered, one gone
    expect(hk.usableSize(q)).toBeGreaterThanOrEqual(size);
    expect(hk.check(q, 0, size)).toBe(true);
    hk.fill(q, 0x77, size);
    expect(hk.check(q, 0x77, size)).toBe(true);
    hk.free(q);
  });

  largeConformance(() => hk);
});
