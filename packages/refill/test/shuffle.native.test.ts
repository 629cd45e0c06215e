// shuffle (the slabs base's tunable, on in the secure variant): a refill's blocks come out in a
// random order, not in address order, and the order differs from one refill to the next.
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadHakmem, variantInfo } from '@hakmem/native';
import refill from '../src/index.js';

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
});
