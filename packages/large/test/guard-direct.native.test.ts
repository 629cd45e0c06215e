// large/direct with guard and scrub on: the conformance suite, guarded fresh and aligned
// blocks, the checksum, and the C test programs.
import { expect, it } from 'vitest';
import { variantInfo } from '@hakmem/native';
import { describeBoxVariant, nativeHelpers } from '@hakmem/test-utils';
import { MiB, largeConformance } from '../src/conformance.js';
import { PAGE, distOf, expectForgeAborts, expectGuardFault, guardedLen } from './hardening.js';

describeBoxVariant(
  'large',
  'direct',
  (hk) => {
    largeConformance(hk);

    it('every block is a fresh guarded mapping; free unmaps all of it, guard page included', () => {
      const h = hk();
      const size = 5 * MiB + 3;
      const os0 = h.osStats();
      const p = h.malloc(size);
      expect(h.osStats().bytesMapped - os0.bytesMapped).toBe(guardedLen(size));
      expect((p + BigInt(h.usableSize(p))) % BigInt(PAGE)).toBe(0n);
      h.fill(p, 0x42, h.usableSize(p));
      h.free(p);
      expect(h.osStats().bytesMapped).toBe(os0.bytesMapped);
    });

    for (const kind of ['fresh', 'aligned2m', 'aligned64k']) {
      it(`a write one byte past the usable end of a ${kind} block faults (SIGSEGV)`, async () => {
        const name = variantInfo(hk()).name;
        expectGuardFault(await nativeHelpers(name), distOf(name), kind);
      });
    }

    it('a forged map_len makes free abort', async () => {
      const name = variantInfo(hk()).name;
      expectForgeAborts(await nativeHelpers(name), distOf(name), 'map_len', 'free');
    });
  },
  { tunables: '{ large: { guard: true, scrub: true } }' },
);
