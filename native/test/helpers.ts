// Shared helpers for hakmem's native tests: locate the built variant, compile the C test
// programs (cached), run programs with hakmem preloaded or linked, read HAKMEM_REPORT.
import { execFile, spawnSync, type ExecFileException } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const testDir = dirname(fileURLToPath(import.meta.url));
export const cDir = join(testDir, 'c');
export const repoRoot = resolve(testDir, '..', '..');
export const variant = process.env.HAKMEM_TEST_VARIANT || 'default';
export const distDir = join(repoRoot, 'dist', variant);
/** Whether the variant is in the box cover (vitest.matrix.config.ts sets HK_TEST_COVER=0 off
 * it): the checks whose outcome a box, not a tunable, decides (linking instead of preloading)
 * run there only. Unset (the `native` project, a file run alone): in. */
export const inBoxCover = process.env.HK_TEST_COVER !== '0';
/** api.c's "ok N checks" is ~43,300 on every variant (fewer where the core has no class-edge
 * probes); under this bound a part of it did not run. @hakmem/test-utils has the same for the
 * tests outside native/. */
export const API_CHECKS = 40_000;
export const libPath = join(distDir, 'libhakmem.so');
export const staticLibPath = join(distDir, 'libhakmem.a');
export const pcPath = join(distDir, 'hakmem.pc');
const binRoot = join(repoRoot, '.hakmem', 'test-bin');

/** Throws the agreed message unless the variant's shared library has been built. */
export function requireLibrary(): string {
  if (!existsSync(libPath)) {
    throw new Error(`dist/${variant}/libhakmem.so missing: run pnpm build:variant ${variant}`);
  }
  return libPath;
}

/** Absolute path of an executable found on PATH, or undefined. */
export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

export function makeTempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `hakmem-${tag}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------
// Running programs

export interface RunOptions {
  args?: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  /** LD_PRELOAD the variant's libhakmem.so. */
  preload?: boolean;
  /** Set HAKMEM_REPORT to a fresh temp file and parse it after the run. */
  report?: boolean;
}

export interface ReportLine {
  pid: number;
  variant: string;
  chunks: number;
  largeMaps: number;
  bytesMapped: number;
  raw: string;
}

export interface RunResult {
  command: string;
  status: number | null;
  signal: NodeJS.Signals | null;
  pid: number;
  stdout: string;
  stderr: string;
  error?: Error;
  timedOut: boolean;
  report: ReportLine[];
}

function tail(text: string, max = 4000): string {
  return text.length > max ? `...${text.slice(-max)}` : text;
}

export function describeRun(r: RunResult): string {
  const how = r.timedOut
    ? 'timed out'
    : r.signal
      ? `killed by ${r.signal}`
      : r.error
        ? `failed to start: ${r.error.message}`
        : `exit status ${r.status}`;
  return [
    `command: ${r.command}`,
    `result: ${how}`,
    `stdout:\n${tail(r.stdout) || '(empty)'}`,
    `stderr:\n${tail(r.stderr) || '(empty)'}`,
    r.report.length ? `HAKMEM_REPORT:\n${r.report.map((l) => l.raw).join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The environment as a child gets it: undefined entries removed (so an option can unset one). */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
}

/** The variables a run sets, as they are written before its command. */
const envWords = (env: Record<string, string | undefined> = {}): string[] =>
  Object.entries(env).map(([k, v]) => `${k}=${v ?? ''}`);

export function run(cmd: string, opts: RunOptions = {}): RunResult {
  const args = opts.args ?? [];
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  if (opts.preload) env.LD_PRELOAD = requireLibrary();
  let reportDir: string | undefined;
  if (opts.report) {
    reportDir = makeTempDir('report');
    env.HAKMEM_REPORT = join(reportDir, 'report.txt');
  }
  const res = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: childEnv(env),
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  const report = reportDir ? readReport(join(reportDir, 'report.txt')) : [];
  if (reportDir) removeDir(reportDir);
  const prefix = [
    opts.preload ? `LD_PRELOAD=${libPath}` : '',
    opts.report ? 'HAKMEM_REPORT=<tmp>' : '',
    ...envWords(opts.env),
  ].filter(Boolean);
  const err = res.error as (Error & { code?: string }) | undefined;
  return {
    command: [...prefix, cmd, ...args].join(' '),
    status: res.status,
    signal: res.signal,
    pid: res.pid ?? 0,
    stdout: res.stdout ?? '',
    stderr: res.stderr ?? '',
    error: err,
    timedOut: err?.code === 'ETIMEDOUT',
    report,
  };
}

/** run() without waiting, for programs that must run at the same time (no report, no input). */
export function runAsync(cmd: string, opts: Pick<RunOptions, 'args' | 'env' | 'timeoutMs'> = {}): Promise<RunResult> {
  const args = opts.args ?? [];
  return new Promise((done) => {
    const child = execFile(
      cmd,
      args,
      {
        env: childEnv({ ...process.env, ...opts.env }),
        timeout: opts.timeoutMs ?? 60_000,
        killSignal: 'SIGKILL',
        maxBuffer: 256 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err: ExecFileException | null, stdout, stderr) => {
        // an exit status or a signal is the result; anything else (ENOENT) means it never ran
        const startFailed = err !== null && typeof err.code === 'string';
        done({
          command: [...envWords(opts.env), cmd, ...args].join(' '),
          status: child.exitCode,
          signal: child.signalCode,
          pid: child.pid ?? 0,
          stdout,
          stderr,
          error: startFailed ? err : undefined,
          timedOut: err?.killed === true,
          report: [],
        });
      },
    );
  });
}

/** Throws with the command, its status and output unless it exited 0. */
export function expectSuccess(r: RunResult): RunResult {
  if (r.status !== 0 || r.error) throw new Error(`program failed\n${describeRun(r)}`);
  return r;
}

/** Parses HAKMEM_REPORT lines: `hakmem pid=<pid> variant=<name> chunks=<n> large_maps=<n> bytes_mapped=<n>`. */
export function readReport(file: string): ReportLine[] {
  if (!existsSync(file)) return [];
  const lines: ReportLine[] = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    if (!raw.startsWith('hakmem ')) continue;
    const f: Record<string, string> = {};
    for (const m of raw.matchAll(/(\w+)=(\S+)/g)) f[m[1]] = m[2];
    lines.push({
      pid: Number(f.pid),
      variant: f.variant ?? '',
      chunks: Number(f.chunks),
      largeMaps: Number(f.large_maps),
      bytesMapped: Number(f.bytes_mapped),
      raw,
    });
  }
  return lines;
}

/** The report line of the process that was spawned; throws unless hakmem served it. */
export function expectServedByHakmem(r: RunResult): ReportLine {
  const line = r.report.find((l) => l.pid === r.pid);
  if (!line) {
    throw new Error(
      `no HAKMEM_REPORT line for pid ${r.pid}: hakmem did not serve (or did not report for) this program\n${describeRun(r)}`,
    );
  }
  if (line.variant !== variant) {
    throw new Error(`HAKMEM_REPORT says variant=${line.variant}, expected ${variant}\n${describeRun(r)}`);
  }
  if (!(line.chunks > 0)) {
    throw new Error(`HAKMEM_REPORT says chunks=${line.chunks}: hakmem served no slab allocations\n${describeRun(r)}`);
  }
  return line;
}

// ---------------------------------------------------------------------------------------
// Building the C test programs

/**
 * plain:   ordinary glibc program (run it with LD_PRELOAD);
 * direct:  linked against dist/<variant>/libhakmem.so (-lhakmem, rpath);
 * static:  linked with dist/<variant>/libhakmem.a (hakmem inside the executable).
 */
export type LinkMode = 'plain' | 'direct' | 'static';

export interface BuildOptions {
  mode: LinkMode;
  /** Extra compiler flags placed before the source (e.g. from pkg-config). */
  cflags?: string[];
  /** Extra linker arguments placed after the source. */
  libs?: string[];
  /** Output name tag (defaults to the source's base name). */
  tag?: string;
}

const C_FLAGS = ['-std=gnu11', '-O2', '-g', '-fno-builtin', '-Wall', '-Wextra', '-Werror'];
const CXX_FLAGS = ['-std=gnu++17', '-O2', '-g', '-fno-builtin', '-Wall', '-Wextra', '-Werror'];

/** True when `out` was made by `key` (its .cmd stamp) after every existing dep changed. */
function upToDate(out: string, key: string, deps: string[]): boolean {
  const stamp = `${out}.cmd`;
  if (!existsSync(out) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== key) return false;
  const built = statSync(out).mtimeMs;
  return deps.every((d) => !existsSync(d) || statSync(d).mtimeMs <= built);
}

/** Runs `compiler argv` writing `out` under a unique name, then renames it into place (parallel
 * test files never see a partial file) and stamps it with `key`. */
function buildFile(compiler: string, argv: string[], out: string, key: string, what: string): void {
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}-${Date.now()}`;
  const r = run(compiler, { args: argv.map((a) => (a === out ? tmp : a)), timeoutMs: 120_000 });
  if (r.status !== 0 || r.error) {
    rmSync(tmp, { force: true });
    throw new Error(`${what} failed\n${describeRun(r)}`);
  }
  renameSync(tmp, out);
  writeFileSync(`${out}.cmd`, key);
}

/**
 * Compiles native/test/c/<source> (or an absolute path) and returns the binary's path. Cached:
 * the object once per source and flags (.hakmem/test-bin/obj), shared by every variant's
 * link, since the matrix links each program against ten libraries.
 */
export function buildProgram(source: string, opts: BuildOptions): string {
  const src = source.startsWith('/') ? source : join(cDir, source);
  const cxx = ['.cc', '.cpp', '.cxx'].includes(extname(src));
  const compiler = cxx ? 'g++' : 'gcc';
  const name = basename(src, extname(src));
  const compileArgs = [...(cxx ? CXX_FLAGS : C_FLAGS), `-I${cDir}`, ...(opts.cflags ?? []), '-c', src];
  const objKey = hash([compiler, ...compileArgs]);
  const obj = join(binRoot, 'obj', `${name}-${objKey.slice(0, 16)}.o`);
  if (!upToDate(obj, objKey, [src, join(cDir, 'hk_test.h')])) {
    buildFile(compiler, [...compileArgs, '-o', obj], obj, objKey, `compiling ${basename(src)}`);
  }

  const linkArgs: string[] = [];
  const deps = [obj];
  if (opts.mode === 'direct') {
    requireLibrary();
    linkArgs.push(`-L${distDir}`, '-Wl,--no-as-needed', '-lhakmem', `-Wl,-rpath,${distDir}`);
  } else if (opts.mode === 'static') {
    if (!existsSync(staticLibPath)) {
      throw new Error(`dist/${variant}/libhakmem.a missing: run pnpm build:variant ${variant}`);
    }
    linkArgs.push('-rdynamic', staticLibPath);
    deps.push(staticLibPath);
  }
  linkArgs.push(...(opts.libs ?? []), '-ldl', '-lpthread');
  const outDir = join(binRoot, opts.mode === 'plain' ? 'plain' : variant);
  const out = join(outDir, `${opts.tag ?? name}-${opts.mode}`);
  // the extra flags again: some are the link's too (-fsanitize=, -no-pie)
  const argv = [...(opts.cflags ?? []), obj, '-o', out, ...linkArgs];
  const key = hash([compiler, ...argv]);
  if (!upToDate(out, key, deps)) buildFile(compiler, argv, out, key, `linking ${basename(src)}`);
  return out;
}

const hash = (parts: string[]): string => createHash('sha256').update(parts.join('\0')).digest('hex');

export interface ProgramRun extends RunResult {
  checks: number;
}

/**
 * Runs a C test program served by hakmem and asserts everything the programs promise:
 * exit 0, "hakmem variant=<variant>", "ok <n> checks" with n > 0, and a HAKMEM_REPORT line
 * for the process with chunks > 0. `how` picks how hakmem gets in: preloaded into the plain
 * build, or linked (direct / static).
 */
export function runTestProgram(
  source: string,
  how: 'preload' | 'direct' | 'static',
  opts: { args?: string[]; timeoutMs?: number; env?: Record<string, string> } = {},
): ProgramRun {
  requireLibrary();
  const bin = buildProgram(source, { mode: how === 'preload' ? 'plain' : how });
  const r = run(bin, {
    args: opts.args,
    timeoutMs: opts.timeoutMs ?? 120_000,
    preload: how === 'preload',
    report: true,
    env: { ...opts.env, ...(how === 'static' ? { HK_TEST_STATIC: '1' } : {}), HK_TEST_ALLOW_GLIBC: undefined },
  });
  expectSuccess(r);
  if (!r.stdout.includes(`hakmem variant=${variant}\n`)) {
    throw new Error(`expected "hakmem variant=${variant}" in the output\n${describeRun(r)}`);
  }
  const m = /^ok (\d+) checks$/m.exec(r.stdout);
  if (!m || !(Number(m[1]) > 0)) throw new Error(`no "ok <n> checks" line\n${describeRun(r)}`);
  expectServedByHakmem(r);
  return { ...r, checks: Number(m[1]) };
}
