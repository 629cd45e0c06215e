// remote/batched with the counters stats box: one atomic operation per lane per batch, a bounded hold,
// every held block handed over by malloc_trim, by the thread's next miss and at its exit; and
// the C programs (cross-thread frees, thread churn, fork) on it.
import { expect, it } from 'vitest';
import { variantInfo } from '@hakmem/native';
import { describeBoxVariant } from '@hakmem/test-utils';
import { remoteBatch, remoteHeld, remoteLanes } from '../src/index.js';
import { remoteCount } from './count.js';

describeBoxVariant(
  'remote',
  'batched',
  (hk) => {
    it('hands blocks over a batch at a time: one CAS per channel lane per batch of 64 (1/8 per free)', async () => {
      const h = hk();
      expect(remoteBatch(h)).toBe(64);
      expect(remoteLanes(h)).toBe(8);
      const LANES = remoteLanes(h);
      const c = await remoteCount(variantInfo(h).name, 20000, 64);
      expect(c.frees).toBe(20000);
      // one destination: a full batch of 64 goes round the 8 lanes, a CAS per lane (312 x 8),
      // all on the heap's first line; the partial batch waits for the thread's next miss, its
      // exit or a trim
      expect(c.atomics).toBe(Math.floor(20000 / 64) * LANES);
      expect(c.held).toBe(20000 % 64);
      expect(c.afterTrim).toBe(0);
    });

    it('holds at most batchBytes per bucket: 4 KiB blocks go over 16 at a time', async () => {
      const LANES = remoteLanes(hk());
      const c = await remoteCount(variantInfo(hk()).name, 2000, 4000);
      expect(c.frees).toBe(2000);
      expect(c.atomics).toBeLessThanOrEqual(Math.ceil(2000 / 15) * LANES);
      expect(c.held * 4032).toBeLessThanOrEqual(65536);
    });

    it("a freeing thread's exit hands its held blocks over (the addon frees on a thread that then exits)", () => {
      const h = hk();
      const p = h.malloc(64);
      h.freeOnOtherThread(p);
      expect(remoteHeld(h)).toBe(0); // held by the other thread, which handed it over at exit
      const q = h.malloc(64);
      expect(q).not.toBe(0n);
      h.free(q);
    });
  },
  { others: { stats: 'counters' } },
);
