// The purge slot through real builds: background in `default`, eager in `lean`, retain in
// `hugepage` (decay, in no named variant: decay.native.test.ts). What every box promises (trim
// gives everything back; the capacity rule holds as memory comes to rest), then what each box
// adds (background gives back after its delay, eager at once, retain never on its own).
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadHakmem, probeNumber, variantInfo, type HakmemAddon } from '@hakmem/native';
import purge, { purgeDelayMs, purgePasses, purgeReleased } from '../src/index.js';

const repo = resolve(purge.root, '../..');
const MiB = 1 << 20;
const resident = (h: HakmemAddon): number => probeNumber(h, 'sharedpool', 'resident_slabs');

/** 48 MiB of 4 KiB blocks (about 800 slabs) written and freed: they all come to rest. */
function burst(h: HakmemAddon): void {
  const blocks = Array.from({ length: 12288 }, () => h.malloc(4000));
  blocks.forEach((p, i) => h.fill(p, i & 0xff, 4000));
  for (const p of blocks) h.free(p);
}

/** Light activity for `ms`: a few small blocks and a 300 KiB one every 5 ms (slow paths run). */
async function lightly(h: HakmemAddon, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ps = Array.from({ length: 32 }, (_, i) => h.malloc(16 + i * 61));
    const big = h.malloc(300 * 1024);
    h.free(big);
    for (const p of ps) h.free(p);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const boxes = {
  background: 'default',
  eager: 'lean',
  retain: 'hugepage',
} as const satisfies Partial<Record<keyof typeof purge.boxes, string>>; // decay: decay.native.test.ts

for (const [box, variant] of Object.entries(boxes)) {
  describe(`purge/${box} in the ${variant} variant`, () => {
    const hk = loadHakmem(join(repo, 'dist', variant));
    const tunables = variantInfo(hk).tunables.purge as Record<string, number>;

    it('its sources exist and the variant uses it', () => {
      for (const src of purge.boxes[box as keyof typeof purge.boxes].sources)
        expect(existsSync(join(purge.root, src)), src).toBe(true);
      expect(variantInfo(hk).boxes.purge).toMatchObject({ box, package: '@hakmem/purge' });
    });

    it('trim gives back every resting page, whatever the policy, and reports the bytes', () => {
      burst(hk);
      const before = hk.osStats().bytesMapped;
      const released = hk.trim();
      expect(resident(hk)).toBe(0);
      if (box !== 'eager') expect(released).toBeGreaterThan(16 * MiB); // eager kept nothing to give
      expect(hk.osStats().bytesMapped).toBeLessThanOrEqual(before);
      expect(hk.trim()).toBe(0); // nothing left
    });

    it('chunks whose every slab rests go back whole: address space returns (trim, or the box on its own)', () => {
      hk.trim();
      const unmapped = () => probeNumber(hk, 'superslab', 'unmapped');
      const u0 = unmapped();
      const blocks = Array.from({ length: 12288 }, () => hk.malloc(4000)); // 48 MiB: about 24 chunks of one class
      const held = hk.osStats().bytesMapped;
      for (const p of blocks) hk.free(p);
      hk.trim();
      expect(unmapped() - u0).toBeGreaterThanOrEqual(16);
      expect(held - hk.osStats().bytesMapped).toBeGreaterThanOrEqual(32 * MiB);
      burst(hk); // the same again maps afresh and works
      hk.trim();
    });

    if (box === 'eager') {
      it('keeps at most keepSlabs resident as memory comes to rest', () => {
        burst(hk);
        expect(resident(hk)).toBeLessThanOrEqual(tunables.keepSlabs!);
        expect(purgeDelayMs(hk)).toBe(0);
      });
    }

    if (box === 'retain') {
      it('keeps what rests resident through light activity (nothing goes back on its own)', async () => {
        hk.trim();
        burst(hk);
        const r0 = resident(hk);
        expect(r0).toBeGreaterThan(400);
        await lightly(hk, 300);
        expect(resident(hk)).toBeGreaterThanOrEqual(r0 - 64);
        expect(purgePasses(hk)).toBe(0);
        hk.trim();
      });
    }

    if (box === 'background') {
      it('keeps what rests resident at first, then gives it back after delayMs of light activity', async () => {
        hk.trim();
        const delay = purgeDelayMs(hk);
        expect(delay).toBe(tunables.delayMs);
        const passes0 = purgePasses(hk);
        const released0 = purgeReleased(hk);
        burst(hk);
        const r0 = resident(hk);
        expect(r0).toBeGreaterThan(400); // not given back at once: a refill reuses it without faults
        expect(r0).toBeLessThanOrEqual(tunables.maxSlabs!);
        await lightly(hk, delay * 1.5 + 500);
        // due by now; a loaded machine runs the thread late: up to 10 s more of the same
        for (let more = 0; resident(hk) >= 64 && more < 10_000; more += 250) await lightly(hk, 250);
        expect(resident(hk)).toBeLessThan(64);
        expect(purgePasses(hk)).toBeGreaterThan(passes0);
        expect(purgeReleased(hk) - released0).toBeGreaterThan(20 * MiB);
      });
    }
  });
}
