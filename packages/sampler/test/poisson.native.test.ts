// sampler/poisson: a program with three allocation sites of known shares, preloaded into a
// variant with the box, writes its raw profile at exit (HAKMEM_PROFILE) and on
// hakmem_profile_dump; the profile attributes the bytes allocated to the sites in their
// proportions and the live bytes to the leaking site alone.
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeBoxVariant, nativeHelpers } from '@hakmem/test-utils';
import { samplerLive, samplerSampleBytes, samplerSamples } from '../src/index.js';
import { parseProfile, programPath, siteOf, symboliser } from './profile.js';

const SITES = ['site_big', 'site_small', 'site_leak'];
const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'hk-sampler-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeBoxVariant('sampler', 'poisson', (hk) => {
  it('answers its probes: sample_bytes 524288', () => {
    expect(samplerSampleBytes(hk())).toBe(524288);
    expect(samplerSamples(hk())).toBeGreaterThanOrEqual(0);
  });

  it('profileDump() of the addon writes the profile; live samples leave it when freed', () => {
    const blocks = Array.from({ length: 32 }, () => hk().malloc(MiB)); // each sampled with p = 1 - e^-2
    const before = samplerLive(hk());
    expect(before).toBeGreaterThan(0);
    const file = join(dir, 'addon.prof');
    hk().profileDump(file);
    const p = parseProfile(readFileSync(file, 'utf8'));
    expect(p.complete).toBe(true);
    expect(p.header).toMatchObject({ reason: 'api', pid: String(process.pid) });
    expect(p.live.filter((l) => l.size === MiB)).toHaveLength(before);
    for (const b of blocks) hk().free(b);
    expect(samplerLive(hk())).toBe(0);
    hk().profileDump(file);
    expect(parseProfile(readFileSync(file, 'utf8')).live).toHaveLength(0);
  });

  it('attributes allocated and live bytes to their sites (HAKMEM_PROFILE at exit, hakmem_profile_dump)', async () => {
    const h = await nativeHelpers(`t-sampler-poisson-${process.pid}`);
    const bin = h.buildProgram(programPath('sites.c'), {
      mode: 'plain',
      cflags: ['-O0', '-no-pie'],
      tag: 'sampler-sites',
    });
    const api = join(dir, 'api.prof');
    // 64 KiB intervals: ~260 samples of the 16 MiB leak (relative sd ~6%, so +-30% is 5 sd; at
    // the default 512 KiB it would be ~32 samples, sd ~18%, and the check would fail 1 run in 10)
    const env = { HAKMEM_PROFILE: join(dir, 'raw-%p.prof'), HAKMEM_SAMPLER_SAMPLE_BYTES: '64K' };
    const r = h.run(bin, { args: [api], preload: true, env });
    const text = h.describeRun(r);
    expect(r.status, text).toBe(0);
    expect(r.stdout, text).toContain('dump 0 ok');
    const files = readdirSync(dir).filter((f) => f.startsWith('raw-'));
    expect(files, text).toEqual([`raw-${r.pid}.prof`]);
    const sym = symboliser(bin);
    for (const [file, reason] of [
      [join(dir, files[0]!), 'exit'],
      [api, 'api'],
    ] as const) {
      const p = parseProfile(readFileSync(file, 'utf8'));
      expect(p.complete, file).toBe(true);
      expect(p.header).toMatchObject({ pid: String(r.pid), sample_bytes: '65536', reason });
      expect(p.header.variant).toBe(`t-sampler-poisson-${process.pid}`);
      expect(p.header.exe, 'the program, for hakmem profile --exe').toBe(realpathSync(bin));
      expect(
        p.maps.some((l) => l.endsWith(bin)),
        'maps name the program',
      ).toBe(true);
      const bytes: Record<string, number> = {};
      for (const a of p.alloc) {
        const site = siteOf(a.pcs, sym, SITES) ?? 'other';
        bytes[site] = (bytes[site] ?? 0) + a.estBytes;
      }
      const moving = (bytes.site_big ?? 0) + (bytes.site_small ?? 0);
      const detail = JSON.stringify(bytes);
      expect((bytes.site_big ?? 0) / moving, detail).toBeGreaterThan(0.75);
      expect((bytes.site_big ?? 0) / moving, detail).toBeLessThan(0.85);
      expect((bytes.site_small ?? 0) / moving, detail).toBeGreaterThan(0.15);
      expect((bytes.site_small ?? 0) / moving, detail).toBeLessThan(0.25);
      expect(p.live.length).toBeGreaterThan(0);
      const liveSites = new Set(p.live.map((l) => siteOf(l.pcs, sym, SITES)));
      const strays = p.live.filter((l) => siteOf(l.pcs, sym, SITES) !== 'site_leak');
      expect(
        [...liveSites],
        `${file}: ${JSON.stringify(strays, (_, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}`,
      ).toEqual(['site_leak']);
      const live = p.live.reduce((s, l) => s + l.estBytes, 0);
      expect(live / (16 * MiB)).toBeGreaterThan(0.7);
      expect(live / (16 * MiB)).toBeLessThan(1.3);
    }
  });

  it('writes the profile on SIGUSR1 when HAKMEM_PROFILE_SIGNAL=1', async () => {
    const h = await nativeHelpers(`t-sampler-poisson-${process.pid}`);
    const bin = h.buildProgram(programPath('sites.c'), {
      mode: 'plain',
      cflags: ['-O0', '-no-pie'],
      tag: 'sampler-sites',
    });
    const at = join(dir, 'sig.prof');
    const kept = join(dir, 'sig-kept.prof');
    const env = { HAKMEM_PROFILE: at, HAKMEM_PROFILE_SIGNAL: '1' };
    const r = h.run(bin, { args: ['-', at, kept], preload: true, env });
    expect(r.status, h.describeRun(r)).toBe(0);
    expect(r.stdout).toContain('rename 0');
    const p = parseProfile(readFileSync(kept, 'utf8'));
    expect(p.complete).toBe(true);
    expect(p.header.reason).toBe('signal');
    const sym = symboliser(bin);
    expect(new Set(p.live.map((l) => siteOf(l.pcs, sym, SITES)))).toEqual(new Set(['site_leak']));
    expect(parseProfile(readFileSync(at, 'utf8')).header.reason).toBe('exit');
  });

  it('HAKMEM_PROFILE=- writes to standard error, through a copy kept from start-up', async () => {
    const h = await nativeHelpers(`t-sampler-poisson-${process.pid}`);
    // coreutils closes stdout and stderr at exit (close_stdout), before library destructors run:
    // the profile still reaches the original stderr (opening /dev/stderr then would fail)
    const r = h.run('ls', { args: ['/'], preload: true, env: { HAKMEM_PROFILE: '-' } });
    expect(r.status, h.describeRun(r)).toBe(0);
    const p = parseProfile(r.stderr);
    expect(p.complete, r.stderr.slice(0, 400)).toBe(true);
    expect(p.header.reason).toBe('exit');
  });

  it('reads HAKMEM_SAMPLER_SAMPLE_BYTES, and refuses a bad value with one line', async () => {
    const h = await nativeHelpers(`t-sampler-poisson-${process.pid}`);
    const bin = h.buildProgram(programPath('sites.c'), {
      mode: 'plain',
      cflags: ['-O0', '-no-pie'],
      tag: 'sampler-sites',
    });
    const out = join(dir, 'small.prof');
    const ok = h.run(bin, { args: [out], preload: true, env: { HAKMEM_SAMPLER_SAMPLE_BYTES: '64K' } });
    expect(ok.status, h.describeRun(ok)).toBe(0);
    expect(parseProfile(readFileSync(out, 'utf8')).header.sample_bytes).toBe('65536');
    const bad = h.run(bin, { args: [out], preload: true, env: { HAKMEM_SAMPLER_SAMPLE_BYTES: '0' } });
    expect(bad.status, h.describeRun(bad)).toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('HAKMEM_SAMPLER_SAMPLE_BYTES');
    expect(parseProfile(readFileSync(out, 'utf8')).header.sample_bytes).toBe('524288');
  });
});
