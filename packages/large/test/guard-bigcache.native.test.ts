// large/bigcache with guard and scrub on, under the fast free gate (secure's checked gate
// aborts on the conformance suite's deliberate interior free): the suite, the guard's moves in
// a reused mapping, and the C test programs (api, threads, fork, realloc stress).
import { expect, it } from 'vitest';
import { variantInfo } from '@hakmem/native';
import { describeBoxVariant, nativeHelpers } from '@hakmem/test-utils';
import { largeCached } from '../src/index.js';
import { MiB, largeConformance } from '../src/conformance.js';
import { CHUNK, distOf, expectGuardFault, up } from './hardening.js';

describeBoxVariant(
  'large',
  'bigcache',
  (hk) => {
    largeConformance(hk);

    it('a cached mapping reused for a smaller, then a bigger block moves its guard: every usable byte writable, nothing stale', () => {
      const h = hk();
      h.trim();
      const p = h.malloc(6 * MiB);
      h.fill(p, 0x99, h.usableSize(p));
      h.free(p);
      for (const size of [2 * MiB + 48, 6 * MiB, 3 * MiB + 7, 5 * MiB]) {
        const q = h.malloc(size);
        expect(q & ~(CHUNK - 1n)).toBe(p & ~(CHUNK - 1n)); // the same mapping each time
        expect(h.usableSize(q)).toBe(up(size, 16));
        expect(h.check(q, 0, h.usableSize(q))).toBe(true);
        h.fill(q, 0x99, h.usableSize(q));
        h.free(q);
      }
      expect(largeCached(h)).toBe(1);
    });

    for (const kind of ['cached', 'grown']) {
      it(`a write one byte past the usable end of a ${kind} block faults (SIGSEGV)`, async () => {
        const name = variantInfo(hk()).name;
        expectGuardFault(await nativeHelpers(name), distOf(name), kind);
      });
    }
  },
  { tunables: '{ large: { guard: true, scrub: true } }' },
);
