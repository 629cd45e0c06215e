// remote/direct with the counters stats box: one CAS per cross-thread free, nothing held.
import { expect, it } from 'vitest';
import { variantInfo } from '@hakmem/native';
import { describeBoxVariant } from '@hakmem/test-utils';
import { remoteHeld } from '../src/index.js';
import { remoteCount } from './count.js';

describeBoxVariant(
  'remote',
  'direct',
  (hk) => {
    it('hands every block over with one atomic operation and holds none', async () => {
      const c = await remoteCount(variantInfo(hk()).name, 20000, 64);
      expect(c.frees).toBe(20000);
      expect(c.atomics).toBe(20000); // one thread frees: no CAS is ever retried
      expect(c.held).toBe(0);
      expect(c.afterTrim).toBe(0);
    });
    it('a free on another thread leaves nothing held here', () => {
      const h = hk();
      h.freeOnOtherThread(h.malloc(64));
      expect(remoteHeld(h)).toBe(0);
    });
  },
  { others: { stats: 'counters' } },
);
