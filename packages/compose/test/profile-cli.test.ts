import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBin, configSource, fixturesDir, tempDir } from './helpers.js';

// A config of its own, without a 'profiling' variant, so these tests hold whether or not the
// repository's config has one.
describe('hakmem profile (CLI)', () => {
  const t = tempDir('prof-cli');
  const config = join(t.dir, 'hakmem.config.ts');
  const hakmem = (args: string[]) => {
    const r = spawnSync(process.execPath, [cliBin, ...args], { cwd: t.dir, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  beforeAll(() => writeFileSync(config, configSource('plain')));
  afterAll(() => t.cleanup());

  it('exits 1 naming the variant when the config lacks it', () => {
    const r = hakmem(['profile', '--config', config, '--', '/bin/true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^hakmem: variant 'profiling' not found in .*hakmem\.config\.ts: hakmem profile needs a variant whose sampler slot samples .*--variant.*; variants: plain\n$/,
    );
    expect(hakmem(['profile', '--config', config, '--variant', 'nope', '--', '/bin/true']).stderr).toMatch(
      /^hakmem: variant 'nope' not found/,
    );
    expect(hakmem(['profile', '--config', config]).stderr).toMatch(/name the command to profile/);
    expect(
      hakmem(['profile', '--config', config, '--variant', 'plain', '--rate', '1k', '--', '/bin/true']).stderr,
    ).toMatch(/--rate must be a positive number of bytes, not '1k'/);
  });

  it('builds, runs the command preloaded, forwards its status and writes the report', () => {
    // sites writes its raw profile itself to $HAKMEM_PROFILE: no sampler box needed
    const exe = join(t.dir, 'sites');
    expect(spawnSync('gcc', ['-g', '-O0', '-o', exe, join(fixturesDir, 'profile', 'sites.c')]).status).toBe(0);
    const out = join(t.dir, 'out');
    const r = hakmem([
      'profile',
      '--config',
      config,
      '--variant',
      'plain',
      '--out',
      out,
      '--rate',
      '4096',
      '--',
      'sh',
      '-c',
      `echo "preload=$LD_PRELOAD rate=$HAKMEM_SAMPLER_SAMPLE_BYTES"; ${exe}; exit 3`,
    ]);
    expect(r.stderr).toMatch(/hakmem profile: building variant plain/);
    expect(r.stderr).toMatch(/hakmem profile: symbolising \d+ pcs in \d+ files/);
    expect(r.stderr).toMatch(/sh exited with status 3/);
    expect(r.stderr).toMatch(/ 80\.0% +781\.3 KiB +site_big \(/);
    expect(r.stdout).toMatch(/^preload=\S+\/plain\/libhakmem\.so rate=4096$/m);
    expect(r.status).toBe(3);
    for (const f of [
      'profile.svg',
      'top.txt',
      'leaks.txt',
      'alloc.pb.gz',
      'inuse.pb.gz',
      'alloc.folded',
      'inuse.folded',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(readFileSync(join(out, 'leaks.txt'), 'utf8')).toContain('site_leak');

    // a program that leaves no raw profile: said clearly
    const none = hakmem(['profile', '--config', config, '--variant', 'plain', '--out', out, '--', '/bin/true']);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/\/bin\/true ran but wrote no raw profile to .*: was .*libhakmem\.so preloaded\?/);
  }, 180_000);
});
