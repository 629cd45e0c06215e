// purge/decay through a real build (the default boxes with purge swapped): no thread; what
// rests stays resident at first and goes back after the delay, but only while the program
// takes slow paths: an idle program keeps it (what background is for).
import { expect, it } from 'vitest';
import { probeNumber, type HakmemAddon } from '@hakmem/native';
import { describeBoxVariant } from '@hakmem/test-utils';
import { purgeDelayMs, purgePasses, purgeThread } from '../src/index.js';

const resident = (h: HakmemAddon): number => probeNumber(h, 'sharedpool', 'resident_slabs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function burst(h: HakmemAddon): void {
  const blocks = Array.from({ length: 12288 }, () => h.malloc(4000)); // 48 MiB
  blocks.forEach((p, i) => h.fill(p, i & 0xff, 4000));
  for (const p of blocks) h.free(p);
}

describeBoxVariant('purge', 'decay', (hk) => {
  it('gives back after delayMs of light activity, never while the program calls nothing', async () => {
    const h = hk();
    const delay = purgeDelayMs(h);
    expect(delay).toBe(500);
    h.trim();
    burst(h);
    expect(purgeThread(h)).toBe(0);
    const r0 = resident(h);
    expect(r0).toBeGreaterThan(400);
    const passes0 = purgePasses(h);
    await sleep(delay * 1.5 + 500); // idle: no slow path, so no pass
    expect(purgePasses(h)).toBe(passes0);
    expect(resident(h)).toBeGreaterThanOrEqual(r0 - 64);
    // light activity: slow paths run the passes, due within 1.5 x the delay + 0.5 s; a loaded
    // machine runs them late, so the activity goes on (up to 10 s more) until they did
    const due = Date.now() + delay * 1.5 + 500;
    while (Date.now() < due || (resident(h) >= 64 && Date.now() < due + 10_000)) {
      const ps = Array.from({ length: 32 }, (_, i) => h.malloc(16 + i * 61));
      h.free(h.malloc(300 * 1024));
      for (const p of ps) h.free(p);
      await sleep(5);
    }
    expect(purgePasses(h)).toBeGreaterThan(passes0);
    expect(resident(h)).toBeLessThan(64);
  });
});
