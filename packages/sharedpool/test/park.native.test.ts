// Whole chunks parked by class (common/hk_sharedpool_common.c), through the default variant
// preloaded into C programs: a chunk that rests goes back to the class it served, and a
// program whose threads restart while 1 block in 100 is of 1-256 KiB (mstress) keeps its peak
// resident set near its live data instead of the union of every layout its chunks had.
import { expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { nativeHelpers } from '@hakmem/test-utils';
import sharedpool from '../src/index.js';

const repo = resolve(sharedpool.root, '../..');

it('a whole chunk that comes to rest is taken back by its class, not by the next class that asks', async () => {
  const n = await nativeHelpers('default');
  const bin = n.buildProgram(join(sharedpool.root, 'test/c/chunk_reuse.c'), { mode: 'plain' });
  const r = n.run(bin, { preload: true, timeoutMs: 30_000 });
  expect(r.status, n.describeRun(r)).toBe(0);
  expect(r.stdout).toMatch(/^x-chunk: same$/m); // from the common list it was Y's (the last to rest)
});

it('mstress (2 threads restarted 400 times, 1 block in 100 of 1-256 KiB) peaks under 30 MiB', {
  timeout: 120_000,
}, async () => {
  const n = await nativeHelpers('default');
  const bin = n.buildProgram(join(repo, 'packages/bench/c/mstress.c'), {
    mode: 'plain',
    cflags: [`-I${join(repo, 'packages/bench/c')}`],
  });
  // 4M steps, 2 threads, 10,000 steps each per round, 4096 slots: about 7.4 MiB live. Before
  // parking the peak was 39-42 MiB; with it 19-23 MiB (jemalloc 10, mimalloc 35, tcmalloc 21).
  const r = n.run(bin, { args: ['4000000', '2', '1', '10000', '4096', '262144'], preload: true, timeoutMs: 100_000 });
  expect(r.status, n.describeRun(r)).toBe(0);
  const peak = Number(/"peakRssKb":(\d+)/.exec(r.stdout)?.[1]);
  console.log(`[mstress] default: peak RSS ${peak} KiB`);
  expect(peak).toBeGreaterThan(7 * 1024); // the live data was really there
  expect(peak).toBeLessThan(30 * 1024);
});
