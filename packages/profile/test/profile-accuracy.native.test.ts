// Issue 13's accuracy test, through everything: the repository's `profiling` variant (the
// sampler's poisson box at its default rate, 512 KiB), `hakmem profile` and its report. The
// program allocates from three known sites (packages/sampler/test/c/sites.c): site_big 320 MiB
// and site_small 80 MiB, freed as they go, site_leak 16 MiB never freed. At the default rate
// that is ~800 samples: a site's share of the bytes has a standard error under 1.5 points, so
// ±5 points is a >3-sigma bound; the leak gets ~32 samples (none at all has odds e^-32).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBin, tempDir } from '@hakmem/test-utils';

const repo = resolve(import.meta.dirname, '..', '..', '..');

describe('hakmem profile: accuracy at the default rate', () => {
  const t = tempDir('prof-acc');
  afterAll(() => t.cleanup());

  it('top.txt gives each site its share within 5 points, leaks.txt names the leaking site only', () => {
    const exe = join(t.dir, 'sites');
    const cc = spawnSync('gcc', ['-g', '-O0', '-o', exe, join(repo, 'packages/sampler/test/c/sites.c'), '-ldl']);
    expect(cc.status, String(cc.stderr)).toBe(0);
    const out = join(t.dir, 'out');
    const r = spawnSync(process.execPath, [cliBin, 'profile', '--out', out, '--', exe], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const top = readFileSync(join(out, 'top.txt'), 'utf8');
    const byBytes = top.slice(0, top.indexOf('by estimated count'));
    const share = (site: string): number => {
      const m = new RegExp(`^ *[\\d,]+ +([\\d.]+)% .* ${site} \\(.*sites\\.c:\\d+\\)$`, 'm').exec(byBytes);
      expect(m, `${site} in top.txt:\n${top}`).toBeTruthy();
      return Number(m![1]);
    };
    const big = share('site_big');
    const small = share('site_small');
    // The box records a slab block at its stride (4160 for 4 KiB, 1088 for 1 KiB): 325 + 85 +
    // 16.25 MiB of blocks, so site_big should get 76.3% and site_small 19.9%.
    console.log(`[profile] site_big ${big}%, site_small ${small}% (expected 76.3% and 19.9%)`);
    expect(Math.abs(big - 76.3)).toBeLessThanOrEqual(5);
    expect(Math.abs(small - 19.9)).toBeLessThanOrEqual(5);
    const leaks = readFileSync(join(out, 'leaks.txt'), 'utf8');
    expect(leaks).toContain('site_leak');
    expect(leaks).not.toMatch(/site_big|site_small/);
  }, 180_000);
});
