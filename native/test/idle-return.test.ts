// An idle process gives its memory back with the default variant (purge/background), without
// calling anything: native/test/reliability/idle_return.c. Two threads allocate 256 MiB and
// exit, the main thread frees it all into their orphaned heaps, then idles (a malloc/free hit
// every 100 ms). The purge thread starts only once memory has rested, and sleeps once nothing
// waits to go back; a process that never frees much never starts it.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildProgram, describeRun } from './helpers.js';
import { ensureVariant, reliabilityDir, runPreloaded } from './reliability/variants.js';

const prog = () => buildProgram(join(reliabilityDir, 'idle_return.c'), { mode: 'plain' });
// idle_return.c runs under any allocator (to compare hakmem with its peers), so it does not
// demand hakmem: the purge lines, printed only where hakmem's probe exists, prove it served.
const expectOk = (r: ReturnType<typeof runPreloaded>) => {
  expect(r.status, describeRun(r)).toBe(0);
  expect(r.stdout, describeRun(r)).toMatch(/^ok 1 checks$/m);
};
const purgeLine = (out: string, when: string) => {
  const m = new RegExp(`${when}: purge thread=(\\d+) wakeups=(\\d+)`).exec(out);
  return m ? { thread: Number(m[1]), wakeups: Number(m[2]) } : undefined;
};

describe('idle memory goes back with the default variant', () => {
  it('256 MiB freed, then 1.5 s idle: VmRSS under 24 MiB; then the purge thread sleeps', { timeout: 120_000 }, () => {
    const v = ensureVariant('default');
    expect(v.json.boxes.purge?.box).toBe('background');
    const r = runPreloaded(v, prog(), { args: ['burst', '256', '1500', '1000'], timeoutMs: 60_000 });
    expectOk(r);
    const m = /burst: base=(\d+) peak=(\d+) freed=(\d+) after=(\d+) KiB/.exec(r.stdout);
    expect(m, describeRun(r)).toBeTruthy();
    const [peak, after] = [Number(m![2]), Number(m![4])];
    expect(peak, describeRun(r)).toBeGreaterThan(256 * 1024); // the burst really was resident
    expect(after, describeRun(r)).toBeLessThanOrEqual(24 * 1024);
    const end = purgeLine(r.stdout, 'end');
    const settled = purgeLine(r.stdout, 'settled');
    expect(end?.thread, describeRun(r)).toBe(1);
    expect(end!.wakeups, describeRun(r)).toBeGreaterThan(0);
    // 1 s more of the same idling (front-cache hits only): nothing rested, no wake-up
    expect(settled?.wakeups, describeRun(r)).toBe(end!.wakeups);
  });

  it('a process that never frees much starts no thread and makes no wake-ups', { timeout: 60_000 }, () => {
    const v = ensureVariant('default');
    const r = runPreloaded(v, prog(), { args: ['quiet', '600'], timeoutMs: 30_000 });
    expectOk(r);
    expect(r.stdout, describeRun(r)).toMatch(/quiet: tasks=1\n/);
    expect(purgeLine(r.stdout, 'end'), describeRun(r)).toEqual({ thread: 0, wakeups: 0 });
  });
});
