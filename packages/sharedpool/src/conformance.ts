// Published as `@hakmem/sharedpool/conformance` (vitest is a peer dependency): a box author runs it
// against an addon of a variant with their box, as this package's own tests do.
// The sharedpool slot's conformance suite: what every sharedpool box promises, checked through
// a built addon. Each box's test file runs it (sharedpool.native.test.ts for the default
// variant's box, <box>.native.test.ts for the others, built by describeBoxVariant).
import { expect, it } from 'vitest';
import { probeNumber, type HakmemAddon } from '@hakmem/native';
import { emptyChunks, emptySlabs } from './index.js';

const SLABS_PER_CHUNK = 32;

/** Allocates n blocks of `size`, writes them, frees them (on this thread or another). */
function round(hk: HakmemAddon, n: number, size: number, remote = false): void {
  const blocks = Array.from({ length: n }, () => hk.malloc(size));
  blocks.forEach((p, i) => hk.fill(p, i & 0xff, size));
  blocks.forEach((p, i) => expect(hk.check(p, i & 0xff, size)).toBe(true));
  for (const p of blocks) remote ? hk.freeOnOtherThread(p) : hk.free(p);
}

export function sharedpoolConformance(hk: () => HakmemAddon): void {
  // First: no remote frees are waiting to be collected, which would give slabs back mid-test.
  it('every slab a heap takes leaves the pool count at once (a chunk counts as 32 slabs)', () => {
    const h = hk();
    const resting = () => emptySlabs(h) + SLABS_PER_CHUNK * emptyChunks(h);
    const size = 896; // a class nothing else here uses: its slabs all come from the pool
    const seen = new Set<bigint>();
    const held: bigint[] = [];
    let exact = 0;
    const unmapped = () => probeNumber(h, 'superslab', 'unmapped');
    for (let i = 0; i < 4000; i++) {
      const r0 = resting();
      const c0 = h.osStats().chunks;
      const u0 = unmapped();
      const p = h.malloc(size);
      held.push(p);
      const slab = p >> 16n;
      if (unmapped() !== u0) {
        seen.add(slab); // the purge slot gave whole chunks back meanwhile: no exact count to expect
      } else if (seen.has(slab)) {
        expect(resting()).toBe(r0);
      } else {
        seen.add(slab);
        if (h.osStats().chunks === c0) {
          expect(resting()).toBe(r0 - 1);
          exact++;
        } else {
          expect(resting()).toBe(r0 + SLABS_PER_CHUNK - 1); // a new chunk: slab 0 taken, 31 resting
        }
      }
    }
    expect(exact).toBeGreaterThan(0);
    for (const p of held) h.free(p);
  });

  it('pool counts are sane', () => {
    const h = hk();
    expect(emptySlabs(h)).toBeGreaterThanOrEqual(0);
    expect(emptyChunks(h)).toBeGreaterThanOrEqual(0);
    expect(emptyChunks(h)).toBeLessThanOrEqual(probeNumber(h, 'superslab', 'chunks'));
  });

  it('reuses memory: repeating the same allocations maps no new chunk', () => {
    const h = hk();
    const chunks = () => probeNumber(h, 'superslab', 'chunks');
    round(h, 8192, 1024); // 8 MiB: several chunks
    const c1 = chunks();
    const mapped = h.osStats().bytesMapped;
    for (let i = 0; i < 3; i++) round(h, 8192, 1024);
    expect(chunks()).toBe(c1);
    expect(h.osStats().bytesMapped).toBeLessThanOrEqual(mapped);
    expect(emptyChunks(h)).toBeLessThanOrEqual(chunks());
  });

  it('memory freed by other threads comes back too', () => {
    const h = hk();
    const chunks = () => probeNumber(h, 'superslab', 'chunks');
    round(h, 512, 2048, true);
    const c1 = chunks();
    for (let i = 0; i < 3; i++) round(h, 512, 2048, true);
    expect(chunks()).toBeLessThanOrEqual(c1 + 1);
  });
}
