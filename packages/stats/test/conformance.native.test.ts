// The stats conformance suite: every box of the slot through a real build — off in `default`,
// profile in `debug`, counters in a variant this test composes from a temporary config.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { classOf, loadHakmem, variantInfo, type HakmemAddon, type HakmemStats } from '@hakmem/native';
import stats, { statsEnabled } from '../src/index.js';

const repo = resolve(stats.root, '../..');
const tmp = join(stats.root, 'test', `tmp-${process.pid}`);
const countersName = `t-stats-counters-${process.pid}`;

const variantDist: Record<keyof typeof stats.boxes, string> = {
  off: join(repo, 'dist', 'default'),
  profile: join(repo, 'dist', 'debug'),
  counters: join(tmp, 'dist', countersName),
};

beforeAll(() => {
  mkdirSync(tmp, { recursive: true });
  // the slots under test only: every other slot gets its package's default box (the default's)
  const config = `import { defineConfig } from '@hakmem/compose';
import purge from '@hakmem/purge';
import stats from '@hakmem/stats';
export default defineConfig({
  slots: { stats, purge },
  variants: { '${countersName}': { description: 'stats/counters under test', boxes: { stats: 'counters', purge: 'decay' } } },
});
`;
  writeFileSync(join(tmp, 'hakmem.config.ts'), config);
  const r = spawnSync(process.execPath, [join(repo, 'packages/cli/bin/hakmem.mjs'), 'build', countersName], {
    cwd: tmp,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const delta = (a: HakmemStats, b: HakmemStats, ev: keyof HakmemStats['events']) =>
  b.events[ev].count - a.events[ev].count;

for (const box of Object.keys(variantDist) as (keyof typeof stats.boxes)[]) {
  describe(`stats/${box}`, () => {
    let hk: HakmemAddon;
    beforeAll(() => {
      hk = loadHakmem(variantDist[box]);
    });

    it('is the box the variant was built with', () => {
      expect(variantInfo(hk).boxes.stats.box).toBe(box);
      expect(statsEnabled(hk)).toBe(box !== 'off');
      const s = hk.stats();
      expect(s.enabled).toBe(box !== 'off');
      expect(s.profiled).toBe(box === 'profile');
    });

    it(box === 'off' ? 'counts nothing' : 'counts mallocs, frees, refills, remote frees and chunks per class', () => {
      const cls = classOf(hk, 64);
      const before = hk.stats();
      const ps: bigint[] = [];
      for (let i = 0; i < 1000; i++) ps.push(hk.malloc(64));
      for (const p of ps) hk.free(p);
      const r = hk.malloc(64);
      hk.freeOnOtherThread(r);
      const after = hk.stats();
      if (box === 'off') {
        expect(Object.values(after.events).every((e) => e.count === 0 && e.cycles === 0)).toBe(true);
        return;
      }
      const mallocs = delta(before, after, 'malloc_hit') + delta(before, after, 'malloc_miss');
      expect(mallocs).toBe(1001);
      expect(delta(before, after, 'free_local')).toBe(1000);
      expect(delta(before, after, 'free_remote')).toBe(1);
      expect(after.events.malloc_hit.byClass[cls] - before.events.malloc_hit.byClass[cls]).toBeGreaterThan(0);
      expect(delta(before, after, 'refill')).toBe(delta(before, after, 'malloc_miss'));
      expect(delta(before, after, 'refill_blocks')).toBeGreaterThanOrEqual(delta(before, after, 'malloc_miss'));
      expect(delta(before, after, 'drain')).toBeGreaterThan(0); // 1000 frees overflow a 256-block cache
      expect(after.events.chunk_map.count).toBeGreaterThan(0);
      if (box === 'profile') expect(after.events.malloc_hit.cycles).toBeGreaterThan(before.events.malloc_hit.cycles);
      else expect(after.events.malloc_hit.cycles).toBe(0);
    });

    it('HAKMEM_STATS=1 prints the figures of a preloaded program at exit', () => {
      const r = spawnSync('sort', [], {
        input: Array.from({ length: 5000 }, (_, i) => `line ${(i * 7919) % 5000}`).join('\n'),
        encoding: 'utf8',
        env: { ...process.env, LD_PRELOAD: join(variantDist[box], 'libhakmem.so'), HAKMEM_STATS: '1' },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(`hakmem stats: variant ${variantInfo(hk).name}`);
      if (box === 'off') {
        expect(r.stderr).toContain('the stats box of this variant is off');
      } else {
        const hits = /^\s+malloc_hit\s+(\d+)/m.exec(r.stderr);
        expect(Number(hits?.[1])).toBeGreaterThan(100);
        expect(r.stderr).toMatch(/^\s+class bytes/m);
        if (box === 'profile') expect(r.stderr).toContain('cycles/event');
      }
    });
  });
}
