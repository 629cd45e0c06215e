import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBin, configSource, tempDir } from '@hakmem/test-utils';

const sitesC = fileURLToPath(new URL('fixtures/sites.c', import.meta.url));

// A config of its own, without a 'profiling' variant, so these tests hold whether or not the
// repository's config has one.
describe('hakmem profile (CLI)', () => {
  const t = tempDir('prof-cli');
  const config = join(t.dir, 'hakmem.config.ts');
  const hakmem = (args: string[]) => {
    const r = spawnSync(process.execPath, [cliBin, ...args], { cwd: t.dir, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  // `hakmem profile` of the config's one variant into `out`; `rest` is the options, `--` and the command
  const profile = (out: string, ...rest: string[]) =>
    hakmem(['profile', '--config', config, '--variant', 'plain', '--out', out, ...rest]);
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
      hakmem(['profile', '--config', config, '--variant', 'plain', '--rate', '1x', '--', '/bin/true']).stderr,
    ).toMatch(/--rate must be a positive number of bytes, with an optional K, M or G \(64K, 1M\), not '1x'/);
  });

  it('says a command that does not exist before building anything', () => {
    const r = hakmem(['profile', '--config', config, '--variant', 'plain', '--', 'no-such-command-hk25']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^hakmem: command not found: no-such-command-hk25 \(not in PATH: /);
    expect(r.stderr).not.toContain('building');
    const path = hakmem(['profile', '--config', config, '--variant', 'plain', '--', './missing/prog']);
    expect(path.stderr).toMatch(/^hakmem: cannot run \.\/missing\/prog: no such file\n$/);
    const bad = hakmem(['profile', '--config', config, '--variant', 'plain', '--exe', '(', '--', '/bin/true']);
    expect(bad.stderr).toMatch(/^hakmem: --exe must be a regular expression: /);
  });

  it('builds, runs the command preloaded, forwards its status and writes the report', () => {
    // sites writes its raw profile itself to $HAKMEM_PROFILE: no sampler box needed
    const exe = join(t.dir, 'sites');
    expect(spawnSync('gcc', ['-g', '-O0', '-o', exe, sitesC]).status).toBe(0);
    const out = join(t.dir, 'out');
    const r = profile(
      out,
      '--rate',
      '4K',
      '--',
      'sh',
      '-c',
      `echo "preload=$LD_PRELOAD rate=$HAKMEM_SAMPLER_SAMPLE_BYTES"; ${exe}; exit 3`,
    );
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

    // a program that leaves no raw profile: said clearly; the build of the same sources is reused
    const none = profile(out, '--', '/bin/true');
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/\/bin\/true ran but wrote no raw profile to .*: was .*libhakmem\.so preloaded\?/);
    expect(none.stderr).toMatch(/hakmem profile: plain is built from the same sources already: reusing it/);
    expect(none.stderr).not.toMatch(/built plain in/);
    // a changed input (a tunable) is a new key: built again
    writeFileSync(config, configSource('plain', '{ front: { maxBlocks: 64 } }'));
    const changed = profile(out, '--', '/bin/true');
    expect(changed.stderr).toMatch(/hakmem profile: built plain in [\d.]+ s/);
    // ... and the command's own status, when it failed, whatever became of the report
    const failed = profile(out, '--', 'sh', '-c', 'exit 5');
    expect(failed.status).toBe(5);
    expect(failed.stderr).toMatch(/sh ran but wrote no raw profile/);
  }, 180_000);

  it("keeps the command's own program, or the processes --exe names", () => {
    // a wrapper (sh) runs another program first, then execs the one profiled, as a shim does
    const exe = join(t.dir, 'sites');
    const other = join(t.dir, 'other-prog');
    expect(spawnSync('gcc', ['-g', '-O0', '-o', exe, sitesC]).status).toBe(0);
    copyFileSync(exe, other);
    const out = join(t.dir, 'out-exe');
    const run = (...opts: string[]) => profile(out, ...opts, '--', 'sh', '-c', `${other}; exec ${exe}`);
    const total = () => /allocated \(estimated\): ([\d,]+) bytes/.exec(readFileSync(join(out, 'top.txt'), 'utf8'))?.[1];

    const own = run();
    expect(own.status).toBe(0);
    expect(own.stderr).toMatch(
      /keeping 1 of 2 processes \(the command's program, \S+\/sites \(--exe to choose another\)\); left out: other-prog/,
    );
    expect(total()).toBe('1,000,000'); // one process's 800,000 + 200,000

    const named = run('--exe', 'other-prog$');
    expect(named.stderr).toMatch(/keeping 1 of 2 processes \(--exe other-prog\$\); left out: sites/);
    expect(total()).toBe('1,000,000');

    const every = run('--exe', '.');
    expect(every.stderr).toMatch(/merging 2 processes/);
    expect(total()).toBe('2,000,000');

    const nomatch = run('--exe', 'python');
    expect(nomatch.status).toBe(1);
    expect(nomatch.stderr).toMatch(
      /hakmem: --exe python matches none of the 2 processes profiled: (other-prog, sites|sites, other-prog)\n/,
    );
  }, 180_000);
});
