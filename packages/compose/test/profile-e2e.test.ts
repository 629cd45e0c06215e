import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readElfLoads, writeProfileReport, type ReportResult } from '../src/index.js';
import { decodeProfile } from './pprof-decode.js';
import { fixturesDir, tempDir } from './helpers.js';

// The pipeline on a real process, without the sampler box: test/fixtures/profile/sites.c writes
// a raw profile by itself (real backtrace() stacks and maps), built PIE and non-PIE.
const source = join(fixturesDir, 'profile', 'sites.c');
const lineOf = (marker: string): number =>
  readFileSync(source, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(marker)) + 1;

for (const pie of [true, false]) {
  describe(`hakmem profile pipeline on a ${pie ? 'PIE' : 'non-PIE'} program`, () => {
    const t = tempDir(pie ? 'prof-pie' : 'prof-nopie');
    let r: ReportResult;
    let read: (f: string) => string;
    beforeAll(() => {
      const exe = join(t.dir, 'sites');
      const cc = spawnSync(
        'gcc',
        ['-g', '-O0', pie ? '-pie' : '-no-pie', ...(pie ? ['-fPIE'] : []), '-o', exe, source],
        {
          encoding: 'utf8',
        },
      );
      expect(cc.stderr).toBe('');
      expect(readElfLoads(exe).type).toBe(pie ? 3 : 2);
      const run = spawnSync(exe, [join(t.dir, 'raw-1.prof')], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      r = writeProfileReport(t.dir, { cwd: t.dir });
      read = (f) => readFileSync(join(t.dir, f), 'utf8');
    });
    afterAll(() => t.cleanup());

    it('top.txt: site_big 80.0% and site_small 20.0% of the bytes, at their call lines', () => {
      const top = read('top.txt');
      const big = new RegExp(` 800,000 +80\\.0% +80\\.0% +10  site_big \\(.*sites\\.c:${lineOf("site_big's call")}\\)`);
      const small = new RegExp(
        ` 200,000 +20\\.0% +100\\.0% +100  site_small \\(.*sites\\.c:${lineOf("site_small's call")}\\)`,
      );
      expect(top).toMatch(big);
      expect(top).toMatch(small);
      expect(top).not.toContain('hk_record'); // hakmem's leading frames are dropped
      expect(top).not.toContain('site_leak');
    });

    it('leaks.txt: site_leak only, with its whole stack', () => {
      const leaks = read('leaks.txt');
      expect(leaks).toMatch(/#1 {2}65,536 bytes \(64\.0 KiB, 100\.0%\) in 1 blocks/);
      expect(leaks).toMatch(
        new RegExp(`\n {4}site_leak \\(.*sites\\.c:${lineOf("site_leak's call")}\\)\n {4}main \\(`),
      );
      expect(leaks).not.toMatch(/site_big|site_small|hk_record/);
    });

    it('both pprof files decode, with the sites as functions', () => {
      for (const [file, kind, samples] of [
        ['alloc.pb.gz', 'alloc', 2],
        ['inuse.pb.gz', 'inuse', 1],
      ] as const) {
        const p = decodeProfile(gunzipSync(readFileSync(join(t.dir, file))));
        expect(p.sampleTypes).toEqual([`${kind}_objects/count`, `${kind}_space/bytes`]);
        expect(p.samples).toHaveLength(samples);
        const leafs = p.samples.map(
          (s) => p.functions.get(p.locations.get(s.locations[0]!)!.lines[0]!.functionId)!.name,
        );
        expect(leafs).toEqual(kind === 'alloc' ? ['site_big', 'site_small'] : ['site_leak']);
        for (const l of p.locations.values()) {
          const m = p.mappings.get(l.mappingId)!;
          expect(l.address >= m.start && l.address < m.limit).toBe(true);
        }
      }
    });

    it('the flame graph and folded stacks name the sites', () => {
      const svg = read('profile.svg');
      for (const s of ['site_big', 'site_small', 'main']) expect(svg).toContain(`<title>${s} (`);
      expect(read('alloc.folded')).toMatch(/;main;site_big 800000\n/);
      expect(read('inuse.folded')).toMatch(/;main;site_leak 65536\n$/);
      expect(r.summary).toContain('top sites by bytes');
      expect(r.profile.files).toBeGreaterThanOrEqual(2); // the program and libc
    });
  });
}

describe('hakmem profile pipeline on several processes', () => {
  const t = tempDir('prof-multi');
  afterAll(() => t.cleanup());

  it('merges every complete raw profile into one report and skips a truncated one', () => {
    const exe = join(t.dir, 'sites');
    expect(spawnSync('gcc', ['-g', '-O0', '-o', exe, source]).status).toBe(0);
    for (const n of [1, 2]) expect(spawnSync(exe, [join(t.dir, `raw-${n}.prof`)]).status).toBe(0);
    const whole = readFileSync(join(t.dir, 'raw-1.prof'), 'utf8');
    writeFileSync(join(t.dir, 'raw-3.prof'), whole.slice(0, whole.lastIndexOf('alloc')));
    const log: string[] = [];
    const r = writeProfileReport(t.dir, { cwd: t.dir, log: (l) => log.push(l) });
    expect(r.skipped).toEqual([expect.stringMatching(/raw-3\.prof:\d+: truncated/)]);
    expect(log.join('\n')).toMatch(/merging 2 processes \(pids \d+, \d+\) into one report/);
    const top = readFileSync(join(t.dir, 'top.txt'), 'utf8');
    expect(top).toContain('allocated (estimated): 2,000,000 bytes');
    expect(top).toMatch(/ 1,600,000 +80\.0% +80\.0% +20 {2}site_big /);
    expect(r.profile.locations.length).toBe(r.profile.pcs);
    expect(readFileSync(join(t.dir, 'leaks.txt'), 'utf8')).toMatch(
      /#1 {2}131,072 bytes .* in 2 blocks \(estimated; 2 sampled\)/,
    );
  });
});
