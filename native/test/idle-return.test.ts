// An idle process gives its memory back with the default variant (purge/background), without
// calling anything: native/test/reliability/idle_return.c. Two threads allocate 256 MiB and
// exit, the main thread frees it all into their orphaned heaps, then idles (a malloc/free hit
// every 100 ms). The purge thread starts only once memory has rested, and sleeps once nothing
// waits to go back; a process that never frees much never starts it.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildProgram, describeRun, variant } from './helpers.js';
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

// the default variant's behaviour: its own project runs it, not every variant's copy of the suite
describe.runIf(variant === 'default')('idle memory goes back with the default variant', () => {
  it('256 MiB freed, then 1.5 s idle: VmRSS under 24 MiB; then the purge thread comes to sleep', {
    timeout: 120_000,
  }, () => {
    const v = ensureVariant('default');
    expect(v.json.boxes.purge?.box).toBe('background');
    const r = runPreloaded(v, prog(), { args: ['burst', '256', '1500', '1000', String(24 * 1024)], timeoutMs: 60_000 });
    expectOk(r);
    const m = /burst: base=(\d+) peak=(\d+) freed=(\d+) after=(\d+) KiB \(1500 ms idle, (\d+) ms late\)/.exec(r.stdout);
    expect(m, describeRun(r)).toBeTruthy();
    const [peak, after, late] = [Number(m![2]), Number(m![4]), Number(m![5])];
    expect(peak, describeRun(r)).toBeGreaterThan(256 * 1024); // the burst really was resident
    // within 24 MiB after 1.5 s on a quiet machine; a loaded one runs the thread late (the
    // program idles on, up to 10 s, and says how late)
    expect(after, describeRun(r)).toBeLessThanOrEqual(24 * 1024);
    if (late > 0) console.log(`[idle] VmRSS within 24 MiB ${late} ms late (loaded machine)`);
    const end = purgeLine(r.stdout, 'end');
    const settled = purgeLine(r.stdout, 'settled');
    expect(end?.thread, describeRun(r)).toBe(1);
    expect(end!.wakeups, describeRun(r)).toBeGreaterThan(0);
    // the same idling goes on (front-cache hits only): nothing rests, so the thread comes to
    // sleep: a whole 1 s window without a wake-up, the first on a quiet machine, a later one
    // where a loaded machine ran the last passes late; a thread that kept waking has none
    const quiet = /settle: a quiet window of 1000 ms, window (\d+)/.exec(r.stdout);
    expect(quiet, describeRun(r)).toBeTruthy();
    expect(settled?.thread, describeRun(r)).toBe(1);
    expect(Number(/settled: rss=(\d+) KiB/.exec(r.stdout)?.[1]), describeRun(r)).toBeLessThanOrEqual(24 * 1024);
    if (Number(quiet![1]) > 1) console.log(`[idle] the purge thread slept from window ${quiet![1]} (loaded machine)`);
  });

  it('a process that never frees much starts no thread and makes no wake-ups', { timeout: 60_000 }, () => {
    const v = ensureVariant('default');
    const r = runPreloaded(v, prog(), { args: ['quiet', '600'], timeoutMs: 30_000 });
    expectOk(r);
    expect(r.stdout, describeRun(r)).toMatch(/quiet: tasks=1\n/);
    expect(purgeLine(r.stdout, 'end'), describeRun(r)).toEqual({ thread: 0, wakeups: 0 });
  });
});
