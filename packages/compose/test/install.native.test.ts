// hakmem build --install: the layout a C user's build expects under a prefix (staged through
// DESTDIR, as packagers do), and consumers built against it with pkg-config and with CMake
// (find_package(hakmem)) that hakmem then serves. native/test/c/pc_probe.c is the consumer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installVariant, loadConfig, which, type BuildResult } from './internal.js';
import { cliBin, configSource, repoRoot, tempDir } from './helpers.js';

const cDir = join(repoRoot, 'native', 'test', 'c');
const hasPkgConfig = which('pkg-config') !== undefined;
const hasCmake = which('cmake') !== undefined;
const run = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', timeout: 170_000, ...opts });

/** Runs a consumer with HAKMEM_REPORT; asserts the probe's checks and that hakmem served it. */
function expectServed(bin: string, dir: string, env: NodeJS.ProcessEnv = {}): void {
  const report = join(dir, `report-${Math.random().toString(36).slice(2)}.txt`);
  const r = run(bin, [], { env: { ...process.env, ...env, HAKMEM_REPORT: report } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^variant=default$/m);
  expect(r.stdout).toMatch(/^ok \d+ checks$/m);
  expect(readFileSync(report, 'utf8')).toMatch(new RegExp(`^hakmem pid=${r.pid} variant=default chunks=[1-9]`, 'm'));
}

describe('hakmem build default --install', () => {
  const t = tempDir('install');
  const staged = join(t.dir, 'stage');
  const prefix = join(t.dir, 'prefix');

  beforeAll(async () => {
    // a config of its own (variant 'default'), so the build goes to its dist/, not the repo's
    const file = join(t.dir, 'hakmem.config.ts');
    writeFileSync(file, configSource('default'));
    const cli = run(
      process.execPath,
      [cliBin, 'build', 'default', '--install', '--prefix', '/opt/hakmem', '--config', file],
      { env: { ...process.env, DESTDIR: staged } },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`hakmem: installed default -> ${join(staged, 'opt', 'hakmem')}`);
    // and once more, unstaged, from the same build: what the consumers below use
    const built: BuildResult = {
      variant: 'default',
      distDir: join(t.dir, 'dist', 'default'),
      buildDir: join(t.dir, '.hakmem', 'build', 'default'),
      diagnostics: '',
      addon: true,
    };
    await installVariant(await loadConfig(file), 'default', built, { prefix, destdir: '' });
  }, 180_000);
  afterAll(() => t.cleanup());

  it('stages DESTDIR/prefix: versioned library with its SONAME, symlinks, archive, header, .pc, CMake package', () => {
    const root = join(staged, 'opt', 'hakmem');
    const lib = join(root, 'lib');
    expect(lstatSync(join(lib, 'libhakmem-default.so.0')).isFile()).toBe(true);
    expect(run('readelf', ['-d', join(lib, 'libhakmem-default.so.0')]).stdout).toContain(
      'Library soname: [libhakmem-default.so.0]',
    );
    for (const [link, target] of [
      ['libhakmem-default.so', 'libhakmem-default.so.0'],
      ['libhakmem.so.0', 'libhakmem-default.so.0'],
      ['libhakmem.so', 'libhakmem-default.so.0'],
      ['libhakmem.a', 'libhakmem-default.a'],
    ]) {
      expect(readlinkSync(join(lib, link!)), link).toBe(target);
    }
    expect(lstatSync(join(lib, 'libhakmem-default.a')).isFile()).toBe(true);
    expect(readFileSync(join(root, 'include', 'hakmem.h'), 'utf8')).toBe(
      readFileSync(join(repoRoot, 'native', 'include', 'hakmem.h'), 'utf8'),
    );
    for (const pc of ['hakmem.pc', 'hakmem-default.pc']) {
      const text = readFileSync(join(lib, 'pkgconfig', pc), 'utf8');
      // the prefix the files will live under, not DESTDIR, not the build directory
      expect(text).toMatch(/^prefix=\/opt\/hakmem\nlibdir=\$\{prefix\}\/lib\nincludedir=\$\{prefix\}\/include\n/);
      expect(text).not.toContain(t.dir);
    }
    expect(readFileSync(join(lib, 'pkgconfig', 'hakmem-default.pc'), 'utf8')).toContain('-lhakmem-default ');
    for (const f of ['hakmem-config.cmake', 'hakmem-config-version.cmake', 'hakmem-variant-default.cmake']) {
      const text = readFileSync(join(lib, 'cmake', 'hakmem', f), 'utf8');
      expect(text).not.toContain(t.dir);
    }
    expect(existsSync(join(t.dir, 'dist', 'default', 'libhakmem.so'))).toBe(true);
  });

  it.skipIf(!hasPkgConfig)(
    `a consumer built with pkg-config --cflags --libs hakmem links libhakmem-default.so.0 and is served by it${hasPkgConfig ? '' : ' (skipped: pkg-config not installed)'}`,
    { timeout: 120_000 },
    () => {
      const env = { ...process.env, PKG_CONFIG_PATH: join(prefix, 'lib', 'pkgconfig'), PKG_CONFIG_LIBDIR: '' };
      expect(run('pkg-config', ['--variable=prefix', 'hakmem'], { env }).stdout.trim()).toBe(prefix);
      const flags = run('pkg-config', ['--cflags', '--libs', 'hakmem'], { env });
      expect(flags.status, flags.stderr).toBe(0);
      const bin = join(t.dir, 'pc-consumer');
      const cc = run('sh', [
        '-c',
        `gcc -std=gnu11 -O2 -I${cDir} ${join(cDir, 'pc_probe.c')} -o ${bin} ${flags.stdout.trim()} -ldl`,
      ]);
      expect(cc.status, cc.stderr).toBe(0);
      expect(run('readelf', ['-d', bin]).stdout).toContain('Shared library: [libhakmem-default.so.0]');
      expectServed(bin, t.dir, { LD_LIBRARY_PATH: join(prefix, 'lib') });
    },
  );

  it.skipIf(!hasCmake)(
    `CMake: find_package(hakmem) from a moved prefix gives hakmem::hakmem, hakmem::hakmem-static and hakmem::hakmem-default${hasCmake ? '' : ' (skipped: cmake not installed)'}`,
    { timeout: 180_000 },
    () => {
      // relocatable: the package finds its files from its own location, not the install prefix
      const moved = join(t.dir, 'moved');
      cpSync(prefix, moved, { recursive: true, verbatimSymlinks: true });
      rmSync(prefix, { recursive: true, force: true });
      const src = join(t.dir, 'cmake-consumer');
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CMake variable, for CMake to expand
      const dl = '${CMAKE_DL_LIBS}';
      cpSync(join(cDir, 'pc_probe.c'), join(src, 'pc_probe.c'));
      cpSync(join(cDir, 'hk_test.h'), join(src, 'hk_test.h'));
      writeFileSync(
        join(src, 'CMakeLists.txt'),
        [
          'cmake_minimum_required(VERSION 3.13)',
          'project(consumer C)',
          'find_package(hakmem 0.1 REQUIRED)',
          'add_executable(app pc_probe.c)',
          `target_link_libraries(app hakmem::hakmem ${dl})`,
          'add_executable(app_variant pc_probe.c)',
          `target_link_libraries(app_variant hakmem::hakmem-default ${dl})`,
          'add_executable(app_static pc_probe.c)',
          // the probe finds hakmem's symbols with dlsym, so the executable exports them
          'set_target_properties(app_static PROPERTIES ENABLE_EXPORTS ON)',
          `target_link_libraries(app_static hakmem::hakmem-static ${dl})`,
          '',
        ].join('\n'),
      );
      const build = join(src, 'build');
      const conf = run('cmake', ['-S', src, '-B', build, `-DCMAKE_PREFIX_PATH=${moved}`]);
      expect(conf.status, `${conf.stdout}\n${conf.stderr}`).toBe(0);
      const make = run('cmake', ['--build', build]);
      expect(make.status, `${make.stdout}\n${make.stderr}`).toBe(0);
      expect(run('readelf', ['-d', join(build, 'app')]).stdout).toContain('Shared library: [libhakmem-default.so.0]');
      expect(run('readelf', ['-d', join(build, 'app_static')]).stdout).not.toContain('libhakmem');
      const libDir = { LD_LIBRARY_PATH: join(moved, 'lib') };
      expectServed(join(build, 'app'), t.dir, libDir);
      expectServed(join(build, 'app_variant'), t.dir, libDir);
      expectServed(join(build, 'app_static'), t.dir, { HK_TEST_STATIC: '1' });
    },
  );
});
