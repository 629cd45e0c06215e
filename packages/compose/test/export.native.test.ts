// hakmem export: the default variant as one C file that a C compiler alone builds, in a folder
// outside the repository, with no path of the build machine in it; the malloc contract's
// program (native/test/c/api.c) then runs on the library it makes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from './internal.js';
import { API_CHECKS, cliBin, repoRoot } from './helpers.js';

const cDir = join(repoRoot, 'native', 'test', 'c');
const run = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', timeout: 170_000, ...opts });
const hasClang = which('clang') !== undefined;

describe('hakmem export default', () => {
  let dir = '';
  let source = '';
  let probe = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hakmem-export-test-'));
    const r = run(process.execPath, [cliBin, 'export', 'default', '--out', join(dir, 'out')], { cwd: repoRoot });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    source = readFileSync(join(dir, 'out', 'hakmem-default.c'), 'utf8');
    // the probe program is an ordinary glibc program; hakmem comes in by LD_PRELOAD
    probe = join(dir, 'api');
    const b = run('gcc', ['-std=gnu11', '-O2', `-I${cDir}`, join(cDir, 'api.c'), '-o', probe, '-ldl', '-lpthread']);
    expect(b.stderr).toBe('');
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes hakmem-default.c and hakmem.h, and nothing else', () => {
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['hakmem-default.c', 'hakmem.h']);
    expect(readFileSync(join(dir, 'out', 'hakmem.h'), 'utf8')).toBe(
      readFileSync(join(repoRoot, 'native', 'include', 'hakmem.h'), 'utf8'),
    );
  });

  it('includes no header of its own and names no path of the build machine', () => {
    expect(source).not.toMatch(/^\s*#\s*include\s*"/m);
    expect(source).not.toContain(repoRoot);
    expect(source).not.toContain(tmpdir());
    const lines = [...source.matchAll(/^#line \d+ "([^"]*)"$/gm)].map((m) => m[1]!);
    // named by package, as they are found wherever the packages are installed
    expect(lines).toContain('@hakmem/native/core/hk_core.c');
    expect(lines).toContain('@hakmem/front/c/tcache/hk_front_tcache.c');
    expect(lines).toContain('hakmem_variant.c');
    for (const l of lines) expect(l.startsWith('/'), l).toBe(false);
    // the compiled-in variant.json too
    const json = /^#define HK_VARIANT_JSON "(.*)"$/m.exec(source)?.[1];
    expect(json).toContain('includes');
    expect(json).not.toMatch(/"\//);
  });

  for (const cc of ['gcc', 'clang']) {
    it.skipIf(cc === 'clang' && !hasClang)(
      `${cc} builds it alone in an empty folder, and the malloc contract holds on it (api.c preloaded)${cc === 'clang' && !hasClang ? ' (skipped: clang not installed)' : ''}`,
      { timeout: 180_000 },
      () => {
        const work = join(dir, cc);
        run('mkdir', [work]);
        run('cp', [join(dir, 'out', 'hakmem-default.c'), join(dir, 'out', 'hakmem.h'), work]);
        const lib = join(work, 'libhakmem-export.so');
        const c = run(cc, ['-O2', '-fPIC', '-shared', '-o', lib, 'hakmem-default.c', '-lpthread'], { cwd: work });
        expect(c.stderr).toBe('');
        expect(c.status).toBe(0);
        const o = run(cc, ['-O2', '-c', 'hakmem-default.c'], { cwd: work });
        expect(o.status, o.stderr).toBe(0);
        expect(readFileSync(lib).includes(repoRoot)).toBe(false);
        // initial-exec TLS, as in the contract's build: no __tls_get_addr, a static TLS block
        const dyn = run('readelf', ['-d', '--dyn-syms', lib]).stdout;
        expect(dyn).toMatch(/STATIC_TLS/);
        expect(dyn).not.toMatch(/__tls_get_addr/);

        const report = join(work, 'report.txt');
        const r = run(probe, [], { env: { ...process.env, LD_PRELOAD: lib, HAKMEM_REPORT: report } });
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        expect(r.stdout).toContain('hakmem variant=default\n');
        expect(Number(/^ok (\d+) checks$/m.exec(r.stdout)?.[1])).toBeGreaterThan(API_CHECKS);
        expect(readFileSync(report, 'utf8')).toMatch(
          new RegExp(`^hakmem pid=${r.pid} variant=default chunks=[1-9]\\d* `, 'm'),
        );
      },
    );
  }
});
