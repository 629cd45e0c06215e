// Build failures; these need gcc but not hakmem's C sources.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { includeDir, baseDir, coreDir, addonSource } from '@hakmem/native';
import {
  BASE_CFLAGS,
  buildCacheDir,
  buildVariant,
  compilePlan,
  findToolchain,
  HakmemBuildError,
  NO_COMPILER,
  napiIncludeDir,
  nodeIncludeDir,
  runCommand,
  toolchainRecord,
  validateConfig,
} from './internal.js';
import { fakeSlot, rawConfig, tempDir, variant } from './helpers.js';

describe('building a variant', () => {
  it('runs the commands of the contract', () => {
    const tc = { cc: 'gcc', cxx: 'g++', ar: 'ar', nodeInclude: '/n', napiInclude: '/napi' };
    const plan = compilePlan(tc, '/b', '/o');
    const [obj, addonObj, glue] = plan.compile;
    expect(obj!.args).toEqual(
      expect.arrayContaining([
        '-ftls-model=initial-exec',
        '-DHK_BUILD_ADDON=0',
        '-c',
        '/b/hakmem_variant.c',
        '-o',
        '/b/hakmem.o',
      ]),
    );
    expect(obj!.args.join(' ')).toContain(`-I ${includeDir} -I ${baseDir} -I ${coreDir} -I /b`);
    expect(obj!.args.slice(0, 3)).toEqual(['-std=gnu11', '-O2', '-g']);
    expect(addonObj!.args).toEqual(
      expect.arrayContaining(['-ftls-model=global-dynamic', '-DHK_BUILD_ADDON=1', '/b/hakmem-addon.o']),
    );
    expect(glue!.exe).toBe('g++');
    expect(glue!.args).toEqual(
      expect.arrayContaining([
        '-std=c++17',
        '-DNAPI_VERSION=8',
        '-DNAPI_DISABLE_CPP_EXCEPTIONS',
        addonSource,
        '/b/hk_addon.o',
      ]),
    );
    expect(glue!.args.join(' ')).toContain(`-I /n -I /napi -I ${includeDir}`);
    const [so, a, node] = plan.link;
    expect(so!.args).toEqual([
      '-shared',
      '-Wl,-soname,libhakmem.so',
      '-Wl,-z,now',
      '-Wl,--no-undefined',
      '-o',
      '/o/libhakmem.so',
      '/b/hakmem.o',
      '-lpthread',
    ]);
    expect(a).toMatchObject({ exe: 'ar', args: ['rcs', '/o/libhakmem.a', '/b/hakmem.o'] });
    expect(node!.args).toEqual(['-shared', '-o', '/o/hakmem.node', '/b/hakmem-addon.o', '/b/hk_addon.o', '-lpthread']);
  });

  it('takes CC, CXX, AR, CFLAGS and LDFLAGS from the environment, and records them by name', () => {
    const tc = findToolchain({ ...process.env, CC: 'gcc -m64', CFLAGS: ' -O3  -DHK_X=1 ', LDFLAGS: '-Wl,-z,relro' });
    expect(tc.cc).toMatch(/\/gcc$/);
    expect(tc.ccArgs).toEqual(['-m64']);
    const plan = compilePlan(tc, '/b', '/o', [], '/root');
    const args = plan.compile[0]!.args;
    expect(args[0]).toBe('-m64');
    // the user's flags come after the contract's (-O3 wins over -O2), before -ftls-model
    expect(args.indexOf('-O3')).toBeGreaterThan(args.indexOf('-O2'));
    expect(args.indexOf('-DHK_X=1')).toBeLessThan(args.indexOf('-ftls-model=initial-exec'));
    expect(args).toContain('-fmacro-prefix-map=/root/=');
    expect(plan.link[0]!.args).toEqual(expect.arrayContaining(['-m64', '-Wl,-z,relro']));
    expect(plan.link[2]!.args).toContain('-Wl,-z,relro');
    expect(toolchainRecord(tc)).toEqual({
      cc: 'gcc -m64',
      cxx: 'g++',
      ar: 'ar',
      cflags: [...BASE_CFLAGS, '-O3', '-DHK_X=1'],
      ldflags: ['-Wl,-z,relro'],
    });
    expect(() => findToolchain({ ...process.env, CC: '/no/such/cc' })).toThrow('CC=/no/such/cc: no such executable');
    expect(() => findToolchain({ ...process.env, AR: 'no-such-ar' })).toThrow('AR=no-such-ar: no such executable');
  });

  it('finds the toolchain, or says how to install it', () => {
    const tc = findToolchain();
    expect(tc.nodeInclude).toBeUndefined(); // the toolchain check looks for no Node header
    expect(existsSync(join(tc.napiInclude ?? napiIncludeDir(), 'napi.h'))).toBe(true);
    const t = tempDir('nocc');
    try {
      expect(() => findToolchain({ PATH: t.dir })).toThrow(NO_COMPILER);
    } finally {
      t.cleanup();
    }
  });

  it('compiles the addon with the node-api-headers package, and the libraries with no Node header', () => {
    // Not the running Node's headers (/usr/include/node, $npm_config_nodedir): a package's.
    const node = nodeIncludeDir();
    expect(existsSync(join(node, 'node_api.h'))).toBe(true);
    expect(node).toMatch(/[/]node-api-headers[/]include$/);
    const env = { PATH: process.env.PATH, npm_config_nodedir: '/no/such/node' };
    const plan = compilePlan(findToolchain(env), '/b', '/o');
    const includes = (args: readonly string[]) => args.filter((_, i) => args[i - 1] === '-I');
    const [obj, addonObj, glue] = plan.compile;
    expect(includes(glue!.args).slice(0, 2)).toEqual([node, napiIncludeDir()]);
    for (const c of [obj!, addonObj!, ...plan.link.slice(0, 2)]) {
      expect(
        includes(c.args).some((d) => /node-api-headers|node-addon-api|include[/]node$/.test(d)),
        c.what,
      ).toBe(false);
    }
  });

  it('runs a command: its diagnostics back, a failure with its command line and output, a missing compiler named', async () => {
    expect(await runCommand({ what: 'ok', exe: 'sh', args: ['-c', 'echo out; echo warn >&2'] })).toBe('out\nwarn\n');
    await expect(runCommand({ what: 'thing', exe: 'sh', args: ['-c', 'echo oops >&2; exit 3'] })).rejects.toThrow(
      "building thing failed (exit 3):\n$ sh -c 'echo oops >&2; exit 3'\noops",
    );
    await expect(runCommand({ what: 'x', exe: '/no/such/cc', args: [] })).rejects.toThrow(NO_COMPILER);
  });

  it("compiles the addon's glue once per project: the same command over the same inputs copies it back", async () => {
    const glue = compilePlan(findToolchain(), '/b', '/o', [], '/root').compile[2]!;
    expect(glue.what).toBe('hk_addon.o');
    expect(glue.reuse).toMatchObject({ cacheDir: '/root/.hakmem/cache/addon-glue', out: '/b/hk_addon.o' });
    expect(glue.reuse!.inputs).toEqual(expect.arrayContaining([addonSource, join(includeDir, 'hakmem.h')]));
    expect(compilePlan(findToolchain(), '/b', '/o').compile[2]!.reuse).toBeUndefined();
    // HAKMEM_BUILD_CACHE: one cache for several projects (the tests' temporary ones share the repository's)
    expect(compilePlan(findToolchain(), '/b', '/o', [], '/root', { cacheDir: '/c' }).compile[2]!.reuse).toMatchObject({
      cacheDir: '/c/addon-glue',
    });
    expect(buildCacheDir('/root', {})).toBe('/root/.hakmem/cache');
    expect(buildCacheDir('/root', { HAKMEM_BUILD_CACHE: '/shared/cache' })).toBe('/shared/cache');

    const t = tempDir('reuse');
    try {
      const input = join(t.dir, 'input.h');
      writeFileSync(input, 'one');
      // a "compiler" that writes its run's time and a random number: a copy is told from a run
      const make = (out: string) => ({
        what: 'x.o',
        exe: process.execPath,
        args: ['-e', 'require("fs").writeFileSync(process.argv[1], Date.now() + " " + Math.random())', out],
        reuse: { cacheDir: join(t.dir, 'cache'), out, inputs: [input] },
      });
      await runCommand(make(join(t.dir, 'a.o')));
      await runCommand(make(join(t.dir, 'b.o'))); // another variant's build directory: a copy
      expect(readFileSync(join(t.dir, 'b.o'), 'utf8')).toBe(readFileSync(join(t.dir, 'a.o'), 'utf8'));
      expect(readdirSync(join(t.dir, 'cache'))).toHaveLength(1);
      writeFileSync(input, 'two'); // an input changed: compiled again
      await runCommand(make(join(t.dir, 'c.o')));
      expect(readFileSync(join(t.dir, 'c.o'), 'utf8')).not.toBe(readFileSync(join(t.dir, 'a.o'), 'utf8'));
      expect(readdirSync(join(t.dir, 'cache'))).toHaveLength(2);
      // a failed command keeps nothing
      const bad = { ...make(join(t.dir, 'd.o')), args: ['-e', 'process.exit(3)'] };
      await expect(runCommand(bad)).rejects.toThrow('building x.o failed (exit 3)');
      expect(readdirSync(join(t.dir, 'cache'))).toHaveLength(2);
    } finally {
      t.cleanup();
    }
  });

  it('a failed build leaves no dist directory, and keeps a previous one intact', async () => {
    const t = tempDir('fail');
    try {
      const stats = fakeSlot(
        join(t.dir, 'pkg'),
        'stats',
        {
          broken: {
            name: 'broken',
            description: 'does not compile',
            sources: ['c/broken/hk_stats_broken.c'],
            tunables: {},
          },
        },
        { 'c/broken/hk_stats_broken.c': '#error deliberately broken box\n' },
      );
      const config = validateConfig(rawConfig({ broken: variant({ boxes: { stats: 'broken' } }) }, { stats }), {
        rootDir: t.dir,
      });
      const err = await buildVariant(config, 'broken').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HakmemBuildError);
      expect((err as Error).message).toMatch(/building hakmem(-addon)?\.o failed/);
      expect(readdirSync(join(t.dir, 'dist'))).toEqual([]);
      // The generated files stay in .hakmem/build/<variant>/ for inspection.
      const unit = readFileSync(join(t.dir, '.hakmem', 'build', 'broken', 'hakmem_variant.c'), 'utf8');
      expect(unit).toContain('hk_stats_broken.c');

      mkdirSync(join(t.dir, 'dist', 'broken'), { recursive: true });
      writeFileSync(join(t.dir, 'dist', 'broken', 'marker'), 'previous build');
      await expect(buildVariant(config, 'broken')).rejects.toThrow(HakmemBuildError);
      expect(readdirSync(join(t.dir, 'dist'))).toEqual(['broken']);
      expect(readFileSync(join(t.dir, 'dist', 'broken', 'marker'), 'utf8')).toBe('previous build');

      await expect(buildVariant(config, 'broken', { env: { PATH: t.dir } })).rejects.toThrow(NO_COMPILER);
      expect(readdirSync(join(t.dir, 'dist'))).toEqual(['broken']);
    } finally {
      t.cleanup();
    }
  });
});
