// shuffle (the slabs base's tunable, on in the secure variant): a refill's blocks come out in a
// random order, not in address order, and the order differs from one refill to the next.
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadHakmem, variantInfo } from '@hakmem/native';
import refill from '../src/index.js';
import { emptyFront } from '../src/conformance.js';

const dist = (v: string) => resolve(refill.root, '../../dist', v);

/** Steps between consecutive blocks of n fresh 3000-byte mallocs (a class nothing else uses). */
function steps(v: string, n: number): bigint[] {
  const hk = loadHakmem(dist(v));
  const ps = Array.from({ length: n }, () => hk.malloc(3000));
  const out = ps.slice(1).map((p, i) => p - ps[i]!);
  for (const p of ps) hk.free(p);
  return out;
}

describe('refill shuffle', () => {
  it('is off in default (blocks of a fresh slab come out one stride apart) and on in secure', () => {
    expect(variantInfo(loadHakmem(dist('default'))).tunables.refill.shuffle).toBe(false);
    expect(variantInfo(loadHakmem(dist('secure'))).tunables.refill.shuffle).toBe(true);
    const d = steps('default', 16);
    expect(new Set(d.map(String)).size, String(d)).toBe(1);
  });

  it('secure hands a refill out in no fixed order, and never one block twice', () => {
    const hk = loadHakmem(dist('secure'));
    const ps = Array.from({ length: 16 }, () => hk.malloc(3000));
    expect(new Set(ps).size).toBe(16);
    const stride = ps.map((p) => p).sort((a, b) => (a < b ? -1 : 1));
    const sorted = ps.every((p, i) => p === stride[i]) || ps.every((p, i) => p === stride[15 - i]);
    expect(sorted, 'in address order').toBe(false);
    for (const p of ps) hk.free(p);
  });

  it('secure puts blocks other threads freed back on their slabs, not onto the front in the order they were freed', () => {
    const hk = loadHakmem(dist('secure'));
    const size = 200;
    // more blocks than one 64 KiB slab holds: the first ten live in a slab that is no longer
    // the one the class carves from
    const many = Array.from({ length: 400 }, () => hk.malloc(size));
    const held = emptyFront(hk, size);
    const back = many.slice(0, 10);
    for (const p of back) hk.freeOnOtherThread(p);
    const q = hk.malloc(size); // the miss collects them onto their slab, then refills from the current one
    // the default's collect hands one of them out here (refill.native.test.ts)
    expect(back).not.toContain(q);
    for (const p of [...many.slice(10), ...held, q]) hk.free(p);
  });
});
