// Live metrics (hakmem.h: hakmem_metrics, hakmem_metrics_json): exact in one thread, the same
// through the addon, written as JSON at exit to HAKMEM_METRICS and on SIGUSR2 when
// HAKMEM_METRICS_SIGNAL=1 asks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classOf, loadHakmem, probeNumber } from '@hakmem/native';
import { distDir, makeTempDir, removeDir, runTestProgram, variant } from './helpers.js';

describe('metrics', () => {
  it('allocated follows live blocks exactly in one thread; the JSON keeps its length contract (metrics.c)', () => {
    const r = runTestProgram('metrics.c', 'direct');
    expect(r.checks).toBeGreaterThan(10_000);
  });

  it('a preloaded process writes them on SIGUSR2 (blocks live) and at exit (blocks freed)', () => {
    const dir = makeTempDir('metrics');
    try {
      const file = join(dir, 'metrics.json');
      const r = runTestProgram('metrics.c', 'preload', { env: { HAKMEM_METRICS: file, HAKMEM_METRICS_SIGNAL: '1' } });
      const live = JSON.parse(/^signal_metrics=(.*)$/m.exec(r.stdout)![1]!);
      const exit = JSON.parse(readFileSync(file, 'utf8'));
      for (const m of [live, exit]) {
        expect(m.schema).toBe(1);
        expect(m.variant).toBe(variant);
        expect(m.classes).toHaveLength(52);
      }
      const size = Number(/^class_size=(\d+)$/m.exec(r.stdout)![1]); // 1024, or above with a block tail
      const kib = live.classes.find((c: { size: number }) => c.size === size);
      expect(kib.blocks).toBeGreaterThanOrEqual(10_000);
      expect(exit.allocated).toBeLessThan(live.allocated - 10_000 * 1024);
    } finally {
      removeDir(dir);
    }
  });

  it('through the addon: metrics() sees the blocks it allocated', () => {
    const hk = loadHakmem(distDir);
    const size = 2048;
    const cls = classOf(hk, size + probeNumber(hk, 'core', 'block_tail')); // the class malloc(size) takes
    const stride = probeNumber(hk, 'core', 'class_stride', cls);
    const before = hk.metrics();
    const blocks = Array.from({ length: 500 }, () => hk.malloc(size));
    const during = hk.metrics();
    expect(during.allocated - before.allocated).toBe(500 * stride);
    expect(during.classes[cls]!.blocks).toBeGreaterThanOrEqual(500);
    for (const p of blocks) hk.free(p);
    expect(hk.metrics().allocated).toBe(before.allocated);
  });
});
