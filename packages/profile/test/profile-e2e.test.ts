import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Profile as PprofProfile } from 'pprof-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readElfLoads, writeProfileReport, type ReportResult } from './internal.js';
import { decodeProfile } from './pprof-decode.js';
import { tempDir } from '@hakmem/test-utils';

// The pipeline on a real process, without the sampler box: test/fixtures/sites.c writes
// a raw profile by itself (real backtrace() stacks and maps), built PIE and non-PIE.
const source = fileURLToPath(new URL('fixtures/sites.c', import.meta.url));
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

    it('pprof-format, an independent decoder, reads both files: mapping 1 is the program with its build id', () => {
      const exe = join(t.dir, 'sites');
      const readelf = spawnSync('readelf', ['-n', exe], { encoding: 'utf8' }).stdout;
      const buildId = /Build ID: ([0-9a-f]+)/.exec(readelf)?.[1];
      expect(buildId, readelf).toMatch(/^[0-9a-f]{40}$/); // gcc links one in by default
      for (const [file, kind, bytes] of [
        ['alloc.pb.gz', 'alloc', 1_000_000],
        ['inuse.pb.gz', 'inuse', 65_536],
      ] as const) {
        const p = PprofProfile.decode(gunzipSync(readFileSync(join(t.dir, file))));
        const str = (i: number | bigint) => p.stringTable.strings[Number(i)];
        expect(p.sampleType.map((v) => `${str(v.type)}/${str(v.unit)}`)).toEqual([
          `${kind}_objects/count`,
          `${kind}_space/bytes`,
        ]);
        expect(p.sample.reduce((a, s) => a + Number(s.value[1]), 0)).toBe(bytes);
        const main = p.mapping[0]!;
        expect(Number(main.id)).toBe(1);
        expect(str(main.filename)).toBe(exe);
        expect(str(main.buildId)).toBe(buildId);
        // every location lies in its mapping and names a function that exists
        const mappings = new Map(p.mapping.map((m) => [Number(m.id), m]));
        const functions = new Map(p.function.map((f) => [Number(f.id), str(f.name)]));
        for (const l of p.location) {
          const m = mappings.get(Number(l.mappingId))!;
          expect(BigInt(l.address) >= BigInt(m.memoryStart) && BigInt(l.address) < BigInt(m.memoryLimit)).toBe(true);
          for (const line of l.line) expect(functions.get(Number(line.functionId))).toBeDefined();
        }
        expect([...functions.values()]).toContain(kind === 'alloc' ? 'site_big' : 'site_leak');
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
