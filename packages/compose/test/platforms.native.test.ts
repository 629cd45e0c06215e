// The toolchains a C user has, beyond x86-64 glibc gcc (where the whole native suite runs):
// - clang: `hakmem build` with CC=clang CXX=clang++ builds the default variant, and the malloc
//   contract's program (native/test/c/api.c, preloaded and linked), threads.c and fork.c pass on
//   it, compiled with clang too. The whole native suite under clang would take CI too long;
//   these three cover the API, cross-thread frees and fork.
// - aarch64: the named variants of the box cover (every box of hakmem.config.ts, @hakmem/test-utils
//   boxCover) are compiled by Debian's cross compiler (aarch64-linux-gnu-gcc; default by
//   `hakmem build` with CC set, the others exported by `hakmem export`) and serve api.c
//   (cross-compiled, preloaded) under qemu-aarch64 with the cross glibc (-L /usr/aarch64-linux-gnu).
//   What differs by platform is the boxes' C, which a variant that only retunes them compiles and
//   runs as another does. The asan and valgrind variants need their runtimes only in programs
//   built for them.
// - musl: the exported default variant and api.c / threads.c, linked statically by musl-gcc.
// Each part skips, saying why, where its tools are absent; .ci/run installs them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VariantJson } from '@hakmem/native';
import { buildVariant, EXPORT_CFLAGS, exportVariant, loadConfig, which } from './internal.js';
import { API_CHECKS, boxCover, listVariants, repoRoot } from './helpers.js';

const cDir = join(repoRoot, 'native', 'test', 'c');
const config = await loadConfig(join(repoRoot, 'hakmem.config.ts'));
const listed = listVariants();
const cover = boxCover(listed);
const variants = listed.map((v) => v.name).filter((v) => cover.has(v));

const has = (...tools: string[]) => tools.every((t) => which(t) !== undefined);
const CROSS_SYSROOT = '/usr/aarch64-linux-gnu';
const hasClang = has('clang', 'clang++');
const hasCross = has('aarch64-linux-gnu-gcc', 'qemu-aarch64') && existsSync(join(CROSS_SYSROOT, 'lib'));
const hasMusl = has('musl-gcc');
const why = (ok: boolean, tools: string) => (ok ? '' : ` (skipped: ${tools} not installed)`);

/** The flags native/test/helpers.ts compiles the test programs with. */
const PROGRAM_CFLAGS = ['-std=gnu11', '-O2', '-fno-builtin', '-Wall', '-Wextra', '-Werror', `-I${cDir}`];

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
  pid: number | undefined;
}

/** Runs a command without blocking the event loop, so several run at once. */
function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 170_000) {
  return new Promise<Ran>((done) => {
    const p = spawn(cmd, args, { env, timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', (e) => done({ status: null, stdout, stderr: `${stderr}${String(e)}`, pid: p.pid }));
    p.on('close', (status) => done({ status, stdout, stderr, pid: p.pid }));
  });
}

/** `jobs` run at most `limit` at a time. */
async function pool<T>(jobs: (() => Promise<T>)[], limit = Math.max(2, availableParallelism())): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

const compile = (cc: string, args: string[]) => {
  const r = spawnSync(cc, args, { encoding: 'utf8', timeout: 170_000 });
  expect(r.status, `${cc} ${args.join(' ')}\n${r.stderr}`).toBe(0);
};

/** A test program's promise: exit 0, served by `variant`, "ok <n> checks", and the report line
 * (HAKMEM_REPORT=report) of its own process. */
function expectServed(r: Ran, variant: string, report: string, minChecks = 1) {
  const what = `${r.stdout}\n${r.stderr}`;
  expect(r.status, what).toBe(0);
  expect(r.stderr, what).toBe('');
  expect(r.stdout).toContain(`hakmem variant=${variant}\n`);
  expect(Number(/^ok (\d+) checks$/m.exec(r.stdout)?.[1]), what).toBeGreaterThanOrEqual(minChecks);
  // under qemu-user the pid is qemu's, which is the program's: qemu runs it in its own process
  expect(readFileSync(report, 'utf8')).toMatch(new RegExp(`^hakmem pid=${r.pid} variant=${variant} chunks=[1-9]`, 'm'));
}

let work = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'hakmem-platforms-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The exported C file of `variant`, in work/export/<variant>/. */
const exported = (variant: string): string => {
  const dir = join(work, 'export', variant);
  const file = join(dir, `hakmem-${variant}.c`);
  if (!existsSync(file)) exportVariant(config, variant, dir);
  return file;
};

describe('clang', () => {
  it.skipIf(!hasClang)(
    `CC=clang builds the default variant; api.c (preloaded and linked), threads.c and fork.c pass on it${why(hasClang, 'clang')}`,
    { timeout: 300_000 },
    async () => {
      const dist = join(work, 'clang', 'default');
      const env = { ...process.env, CC: 'clang', CXX: 'clang++' };
      // no Node addon: it is Node's build (node-gyp's flags), not a C user's
      const built = await buildVariant(config, 'default', {
        env,
        distDir: dist,
        buildDir: join(work, 'clang', 'build'),
        addon: false,
      });
      expect(built.addon).toBe(false);
      const json = JSON.parse(readFileSync(join(dist, 'variant.json'), 'utf8')) as VariantJson;
      expect(json.compiler).toMatchObject({ cc: 'clang', cxx: 'clang++' });
      const comment = spawnSync('readelf', ['-p', '.comment', join(dist, 'libhakmem.so')], { encoding: 'utf8' });
      expect(comment.stdout).toMatch(/clang version/);

      const bin = (src: string, tag: string, link: string[] = []) => {
        const out = join(work, 'clang', tag);
        compile('clang', [...PROGRAM_CFLAGS, join(cDir, src), '-o', out, ...link, '-ldl', '-lpthread']);
        return out;
      };
      const lib = join(dist, 'libhakmem.so');
      const programs: [string, string[], NodeJS.ProcessEnv][] = [
        [bin('api.c', 'api'), [], { LD_PRELOAD: lib }],
        [bin('api.c', 'api-linked', [`-L${dist}`, '-lhakmem', `-Wl,-rpath,${dist}`]), [], {}],
        [bin('threads.c', 'threads'), ['4', '50000'], { LD_PRELOAD: lib }],
        [bin('fork.c', 'fork'), ['10', '20'], { LD_PRELOAD: lib }],
      ];
      const reports = programs.map((_, i) => join(work, 'clang', `report-${i}.txt`));
      const runs = await pool(
        programs.map(
          ([exe, args, extra], i) =>
            () =>
              runAsync(exe, args, { ...process.env, ...extra, HAKMEM_REPORT: reports[i] }),
        ),
      );
      runs.forEach((r, i) => expectServed(r, 'default', reports[i]!, i < 2 ? API_CHECKS : 1));
    },
  );
});

describe.skipIf(!hasCross)(
  `aarch64 (cross-compiled, run under qemu-aarch64)${why(hasCross, 'aarch64-linux-gnu-gcc, its glibc (libc6-dev-arm64-cross) or qemu-user')}`,
  () => {
    const results = new Map<string, { run: Ran; report: string }>();
    // default's aarch64 library comes from `hakmem build` in the first test; the others' from
    // their exported files
    const exportedVariants = variants.filter((v) => v !== 'default');

    beforeAll(async () => {
      const dir = join(work, 'aarch64');
      mkdirSync(dir, { recursive: true });
      const probe = join(dir, 'api');
      const jobs = [
        () =>
          runAsync('aarch64-linux-gnu-gcc', [...PROGRAM_CFLAGS, join(cDir, 'api.c'), '-o', probe, '-ldl', '-lpthread']),
        ...exportedVariants.map((v) => () => {
          const lib = join(dir, `libhakmem-${v}.so`);
          const args = [...EXPORT_CFLAGS, '-shared', '-Wl,--no-undefined', '-o', lib, exported(v), '-lpthread'];
          return runAsync('aarch64-linux-gnu-gcc', args);
        }),
      ];
      const built = await pool(jobs);
      built.forEach((r, i) => expect(r.status, `${i ? exportedVariants[i - 1] : 'api.c'}: ${r.stderr}`).toBe(0));
      expect(spawnSync('file', [probe], { encoding: 'utf8' }).stdout).toMatch(/ARM aarch64/);

      const runs = await pool(
        exportedVariants.map((v) => () => {
          const report = join(dir, `report-${v}.txt`);
          const lib = join(dir, `libhakmem-${v}.so`);
          const args = ['-L', CROSS_SYSROOT, '-E', `LD_PRELOAD=${lib}`, '-E', `HAKMEM_REPORT=${report}`, probe];
          return runAsync('qemu-aarch64', args).then((run) => results.set(v, { run, report }));
        }),
      );
      expect(runs.length).toBe(cover.size - 1);
    }, 600_000);

    it('CC=aarch64-linux-gnu-gcc hakmem build: libhakmem.so and .a for aarch64, no Node addon, api.c passes on it', {
      timeout: 300_000,
    }, async () => {
      const dir = join(work, 'aarch64-build');
      const dist = join(dir, 'dist');
      const env = { ...process.env, CC: 'aarch64-linux-gnu-gcc' };
      const r = await buildVariant(config, 'default', { env, distDir: dist, buildDir: join(dir, 'build') });
      expect(r.addon).toBe(false);
      expect(r.target).toMatch(/^aarch64-/);
      expect(existsSync(join(dist, 'hakmem.node'))).toBe(false);
      const json = JSON.parse(readFileSync(join(dist, 'variant.json'), 'utf8')) as VariantJson;
      expect(json.files).not.toContain('hakmem.node');
      expect(json.compiler).toMatchObject({ cc: 'aarch64-linux-gnu-gcc' });
      expect(spawnSync('file', [join(dist, 'libhakmem.so')], { encoding: 'utf8' }).stdout).toMatch(/ARM aarch64/);
      const report = join(dir, 'report.txt');
      const probe = join(work, 'aarch64', 'api');
      const args = [
        '-L',
        CROSS_SYSROOT,
        '-E',
        `LD_PRELOAD=${join(dist, 'libhakmem.so')}`,
        '-E',
        `HAKMEM_REPORT=${report}`,
        probe,
      ];
      expectServed(await runAsync('qemu-aarch64', args), 'default', report, API_CHECKS);
    });

    it.each(exportedVariants)(
      '%s: aarch64-linux-gnu-gcc builds the exported file (beforeAll), and api.c passes on it (box cover)',
      (v) => {
        expect(existsSync(join(work, 'aarch64', `libhakmem-${v}.so`))).toBe(true);
        const r = results.get(v);
        expect(r, `no run for ${v}`).toBeDefined();
        expectServed(r!.run, v, r!.report, API_CHECKS);
      },
    );
  },
);

describe('musl', () => {
  it.skipIf(!hasMusl)(
    `musl-gcc links the exported default variant statically into api.c and threads.c, which pass${why(hasMusl, 'musl-gcc (musl-tools)')}`,
    { timeout: 300_000 },
    async () => {
      const dir = join(work, 'musl');
      mkdirSync(dir, { recursive: true });
      const obj = join(dir, 'hakmem-default.o');
      compile('musl-gcc', [...EXPORT_CFLAGS, '-c', exported('default'), '-o', obj]);
      const bin = (src: string) => {
        const out = join(dir, src.replace(/\.c$/, ''));
        compile('musl-gcc', [...PROGRAM_CFLAGS, '-static', join(cDir, src), obj, '-o', out, '-lpthread']);
        expect(spawnSync('file', [out], { encoding: 'utf8' }).stdout).toMatch(/statically linked/);
        return out;
      };
      const programs: [string, string[]][] = [
        [bin('api.c'), []],
        [bin('threads.c'), ['4', '50000']],
      ];
      const reports = programs.map((_, i) => join(dir, `report-${i}.txt`));
      const runs = await pool(
        programs.map(
          ([exe, args], i) =>
            () =>
              // HK_TEST_STATIC: hakmem is in the executable (hk_test.h proves it without dlsym)
              runAsync(exe, args, { ...process.env, HK_TEST_STATIC: '1', HAKMEM_REPORT: reports[i] }),
        ),
      );
      runs.forEach((r, i) => expectServed(r, 'default', reports[i]!, i === 0 ? API_CHECKS : 1));
    },
  );
});
