// Checks the direct box through a real build of a variant that uses it.
import { expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeBoxVariant } from '@hakmem/test-utils';
import large, { largeCached, largeCachedBytes } from '../src/index.js';
import { MiB, largeConformance } from '../src/conformance.js';

it('large/direct sources exist', () => {
  for (const src of large.boxes.direct.sources) expect(existsSync(join(large.root, src)), src).toBe(true);
});

describeBoxVariant('large', 'direct', (hk) => {
  largeConformance(hk);

  it('every free unmaps at once and every malloc maps afresh: nothing is cached', () => {
    const h = hk();
    for (let i = 0; i < 4; i++) {
      const os0 = h.osStats();
      const p = h.malloc(4 * MiB);
      const os1 = h.osStats();
      expect(os1.largeMaps).toBe(os0.largeMaps + 1);
      expect(os1.bytesMapped).toBeGreaterThanOrEqual(os0.bytesMapped + 4 * MiB);
      h.fill(p, 0xab, 4 * MiB);
      h.free(p);
      expect(h.osStats().bytesMapped).toBe(os0.bytesMapped);
      expect(largeCached(h)).toBe(0);
      expect(largeCachedBytes(h)).toBe(0);
    }
  });
});
