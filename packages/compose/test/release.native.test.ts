// pnpm release:artifacts (scripts/release-artifacts.mjs) for the default variant: the tarball,
// unpacked anywhere, serves a pkg-config consumer and a preloaded python3; the .debs carry their
// control fields and files, and unpacked (dpkg -x, not installed) serve a preloaded python3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hakmemVersion, multiarchLibdir, releaseArch, releaseLibc, which } from './internal.js';
import { configSource, repoRoot, tempDir } from './helpers.js';

const cDir = join(repoRoot, 'native', 'test', 'c');
const script = join(repoRoot, 'scripts', 'release-artifacts.mjs');
const hasDpkg = which('dpkg-deb') !== undefined;
const hasPkgConfig = which('pkg-config') !== undefined;
const hasCmake = which('cmake') !== undefined;
const run = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', timeout: 170_000, ...opts });
// the interpreter itself, not a pyenv shim script that would spawn it
const python = run('python3', ['-c', 'import sys; print(sys.executable)']).stdout.trim();
const version = hakmemVersion();

/** Runs cmd with HAKMEM_REPORT; asserts it succeeded and that hakmem (variant default) served it. */
function expectServed(cmd: string, args: string[], dir: string, env: NodeJS.ProcessEnv): string {
  const report = join(dir, `report-${Math.random().toString(36).slice(2)}.txt`);
  const r = run(cmd, args, { env: { ...process.env, ...env, HAKMEM_REPORT: report } });
  expect(r.status, r.stderr).toBe(0);
  expect(readFileSync(report, 'utf8')).toMatch(new RegExp(`^hakmem pid=${r.pid} variant=default chunks=[1-9]`, 'm'));
  return r.stdout;
}

describe.skipIf(!hasDpkg)(
  `pnpm release:artifacts --variants default${hasDpkg ? '' : ' (skipped: dpkg-deb not installed)'}`,
  () => {
    const t = tempDir('release');
    const out = join(t.dir, 'out');
    const tarball = `hakmem-${version}-linux-${releaseArch()}-${releaseLibc()}.tar.gz`;
    let debArch = '';
    let multiarch = '';

    beforeAll(() => {
      // a config of its own (variant 'default'), so the build goes to its dist/, not the repo's
      const file = join(t.dir, 'hakmem.config.ts');
      writeFileSync(file, configSource('default'));
      const r = run(process.execPath, [script, '--variants', 'default', '--out', out, '--config', file]);
      expect(r.status, r.stderr).toBe(0);
      debArch = run('dpkg', ['--print-architecture']).stdout.trim();
      multiarch = multiarchLibdir().slice('lib/'.length);
    }, 180_000);
    afterAll(() => t.cleanup());

    it('writes the tarball and both .debs, named by version, arch and libc', () => {
      expect(readdirSync(out).sort()).toEqual(
        [tarball, `libhakmem0_${version}_${debArch}.deb`, `libhakmem-dev_${version}_${debArch}.deb`].sort(),
      );
    });

    it.skipIf(!hasPkgConfig)(
      `the tarball, unpacked anywhere: relocatable .pc, a pkg-config consumer and preloaded python3 served by hakmem${hasPkgConfig ? '' : ' (skipped: pkg-config not installed)'}`,
      { timeout: 120_000 },
      () => {
        const dir = join(t.dir, 'unpacked');
        mkdirSync(dir);
        expect(run('tar', ['-xzf', join(out, tarball), '-C', dir]).status).toBe(0);
        const root = join(dir, `hakmem-${version}`);
        for (const f of ['include/hakmem.h', 'src/hakmem-default.c', 'src/hakmem.h', 'lib/libhakmem-default.a']) {
          expect(readFileSync(join(root, f)).length, f).toBeGreaterThan(0);
        }
        expect(readlinkSync(join(root, 'lib', 'libhakmem.so.0'))).toBe('libhakmem-default.so.0');
        expect(readFileSync(join(root, 'lib', 'cmake', 'hakmem', 'hakmem-variant-default.cmake'), 'utf8')).toContain(
          'hakmem::hakmem-default',
        );
        const env = { ...process.env, PKG_CONFIG_PATH: join(root, 'lib', 'pkgconfig'), PKG_CONFIG_LIBDIR: '' };
        const flags = run('pkg-config', ['--cflags', '--libs', 'hakmem'], { env });
        expect(flags.status, flags.stderr).toBe(0);
        // ${pcfiledir}/../.. resolves to where the tree was unpacked
        expect(flags.stdout).toContain(`-L${join(root, 'lib')}`);
        const bin = join(t.dir, 'consumer');
        const cc = run('sh', [
          '-c',
          `gcc -std=gnu11 -O2 -I${cDir} ${join(cDir, 'pc_probe.c')} -o ${bin} ${flags.stdout.trim()} -ldl`,
        ]);
        expect(cc.status, cc.stderr).toBe(0);
        expect(run('readelf', ['-d', bin]).stdout).toContain('Shared library: [libhakmem-default.so.0]');
        const probe = expectServed(bin, [], t.dir, { LD_LIBRARY_PATH: join(root, 'lib') });
        expect(probe).toMatch(/^variant=default$/m);
        expect(probe).toMatch(/^ok \d+ checks$/m);
        const py = expectServed(python, ['-c', 'print(1)'], t.dir, {
          LD_PRELOAD: join(root, 'lib', 'libhakmem.so.0'),
        });
        expect(py).toBe('1\n');
      },
    );

    it('the .debs: control fields, runtime/dev split, and unpacked with dpkg -x they serve a preloaded python3', () => {
      const lib0 = join(out, `libhakmem0_${version}_${debArch}.deb`);
      const dev = join(out, `libhakmem-dev_${version}_${debArch}.deb`);
      const field = (deb: string, f: string) => run('dpkg-deb', ['--field', deb, f]).stdout.trim();
      expect(field(lib0, 'Package')).toBe('libhakmem0');
      expect(field(lib0, 'Version')).toBe(version);
      expect(field(lib0, 'Architecture')).toBe(debArch);
      expect(field(lib0, 'Section')).toBe('libs');
      expect(field(lib0, 'Maintainer')).not.toBe('');
      expect(field(lib0, 'Multi-Arch')).toBe('same');
      expect(field(dev, 'Package')).toBe('libhakmem-dev');
      expect(field(dev, 'Section')).toBe('libdevel');
      expect(field(dev, 'Depends')).toBe(`libhakmem0 (= ${version})`);
      expect(run('dpkg-deb', ['--info', lib0, 'triggers']).stdout).toContain('activate-noawait ldconfig');

      const files = (deb: string) =>
        run('dpkg-deb', ['--contents', deb])
          .stdout.trim()
          .split('\n')
          .map((l) => l.replace(/^.* \.\//, '/').replace(/ -> .*$/, ''))
          .filter((p) => !p.endsWith('/'));
      const lib = `/usr/lib/${multiarch}`;
      expect(multiarch).toMatch(/^[a-z0-9_]+-linux-[a-z0-9]+$/);
      expect(files(lib0).sort()).toEqual([`${lib}/libhakmem-default.so.0`, `${lib}/libhakmem.so.0`]);
      expect(files(dev).sort()).toEqual(
        [
          '/usr/include/hakmem.h',
          `${lib}/cmake/hakmem/hakmem-config-version.cmake`,
          `${lib}/cmake/hakmem/hakmem-config.cmake`,
          `${lib}/cmake/hakmem/hakmem-variant-default.cmake`,
          `${lib}/libhakmem-default.a`,
          `${lib}/libhakmem-default.so`,
          `${lib}/libhakmem.a`,
          `${lib}/libhakmem.so`,
          `${lib}/pkgconfig/hakmem-default.pc`,
          `${lib}/pkgconfig/hakmem.pc`,
        ].sort(),
      );

      const scratch = join(t.dir, 'scratch');
      for (const deb of [lib0, dev]) expect(run('dpkg', ['-x', deb, scratch]).status).toBe(0);
      const libDir = join(scratch, lib);
      // the .pc and the CMake package name the multiarch directory the libraries are in
      expect(readFileSync(join(libDir, 'pkgconfig', 'hakmem.pc'), 'utf8')).toMatch(
        new RegExp(`^prefix=/usr\nlibdir=\\$\\{prefix\\}/lib/${multiarch}\n`),
      );
      expect(readFileSync(join(libDir, 'cmake', 'hakmem', 'hakmem-config.cmake'), 'utf8')).toContain(
        '/../../../.." ABSOLUTE)',
      );
      expect(readFileSync(join(libDir, 'cmake', 'hakmem', 'hakmem-variant-default.cmake'), 'utf8')).toContain(
        `/lib/${multiarch}/libhakmem-default.so.0"`,
      );
      expect(readlinkSync(join(libDir, 'libhakmem.so'))).toBe('libhakmem-default.so.0');
      const py = expectServed(python, ['-c', 'print(1)'], t.dir, {
        LD_PRELOAD: join(libDir, 'libhakmem.so.0'),
      });
      expect(py).toBe('1\n');
    });

    it.skipIf(!hasCmake)(
      `the .debs unpacked: find_package(hakmem) finds the multiarch CMake package; the app is served by hakmem${hasCmake ? '' : ' (skipped: cmake not installed)'}`,
      { timeout: 180_000 },
      () => {
        const scratch = join(t.dir, 'scratch-cmake');
        for (const p of ['libhakmem0', 'libhakmem-dev']) {
          expect(run('dpkg', ['-x', join(out, `${p}_${version}_${debArch}.deb`), scratch]).status).toBe(0);
        }
        const src = join(t.dir, 'cmake-consumer');
        cpSync(join(cDir, 'pc_probe.c'), join(src, 'pc_probe.c'));
        cpSync(join(cDir, 'hk_test.h'), join(src, 'hk_test.h'));
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CMake variable, for CMake to expand
        const dl = '${CMAKE_DL_LIBS}';
        writeFileSync(
          join(src, 'CMakeLists.txt'),
          `cmake_minimum_required(VERSION 3.13)\nproject(consumer C)\nfind_package(hakmem ${version} REQUIRED)\nadd_executable(app pc_probe.c)\ntarget_link_libraries(app hakmem::hakmem ${dl})\n`,
        );
        const build = join(src, 'build');
        const conf = run('cmake', ['-S', src, '-B', build, `-DCMAKE_PREFIX_PATH=${join(scratch, 'usr')}`]);
        expect(conf.status, `${conf.stdout}\n${conf.stderr}`).toBe(0);
        const make = run('cmake', ['--build', build]);
        expect(make.status, `${make.stdout}\n${make.stderr}`).toBe(0);
        expect(run('readelf', ['-d', join(build, 'app')]).stdout).toContain('Shared library: [libhakmem-default.so.0]');
        const probe = expectServed(join(build, 'app'), [], t.dir, {
          LD_LIBRARY_PATH: join(scratch, 'usr', 'lib', multiarch),
        });
        expect(probe).toMatch(/^variant=default$/m);
      },
    );
  },
);
