// Support for the reliability suite (native/test/{sanitizers,fuzz,bad-input,reliability}.test.ts):
// every variant named in hakmem.config.ts, built on demand (one build at a time across vitest
// workers), its variant.json, instrumented copies of its generated C unit (sanitizers, fuzzer),
// and running a program with a given variant preloaded.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  describeRun,
  findExecutable,
  repoRoot,
  run,
  variant as defaultVariant,
  type RunOptions,
  type RunResult,
} from '../helpers.js';

export const reliabilityDir = join(repoRoot, 'native', 'test', 'reliability');
export const fuzzDir = join(repoRoot, 'native', 'fuzz');
const cliBin = join(repoRoot, 'packages', 'cli', 'bin', 'hakmem.mjs');
const workRoot = join(repoRoot, '.hakmem', 'reliability');

/** variant.json names a folder by its package (`@hakmem/large/c/common`): the folder here. */
function packageDir(name: string): string {
  const m = /^@hakmem\/([^/]+)\/?(.*)$/.exec(name);
  if (!m) return name;
  return join(repoRoot, m[1] === 'native' ? 'native' : join('packages', m[1]!), m[2]!);
}

export interface VariantInfo {
  name: string;
  dist: string;
  lib: string;
  json: VariantJsonLite;
}

/** The parts of dist/<v>/variant.json the suite reads. */
export interface VariantJsonLite {
  name: string;
  boxes: Record<string, { box: string }>;
  tunables: Record<string, Record<string, number | string | boolean>>;
  compiler?: { cflags?: string[]; includes?: string[] };
}

// ---------------------------------------------------------------------------------------
// Which variants

let cachedNames: string[] | undefined;

/** Every variant named in hakmem.config.ts (from `hakmem list --json`). */
export function allVariantNames(): string[] {
  const r = run(process.execPath, { args: [cliBin, 'list', '--json'], cwd: repoRoot, timeoutMs: 60_000 });
  if (r.status !== 0) throw new Error(`hakmem list --json failed\n${describeRun(r)}`);
  return (JSON.parse(r.stdout) as { variants: { name: string }[] }).variants.map((v) => v.name);
}

/**
 * The variants this process covers. Like the rest of the native suite, one variant per vitest
 * project: HAKMEM_TEST_VARIANT (default: `default`); vitest.matrix.config.ts binds one native
 * project per named variant, so `pnpm test` covers every variant exactly once.
 * HAKMEM_RELIABILITY_VARIANTS overrides it: a comma-separated list, or `all` (every variant
 * in hakmem.config.ts, in this one process).
 */
export function variantNames(): string[] {
  if (cachedNames) return cachedNames;
  const want = process.env.HAKMEM_RELIABILITY_VARIANTS?.trim();
  if (!want) {
    cachedNames = [defaultVariant];
    return cachedNames;
  }
  const all = allVariantNames();
  if (want === 'all') {
    cachedNames = all;
    return cachedNames;
  }
  const only = want
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only.filter((n) => !all.includes(n));
  if (unknown.length)
    throw new Error(
      `HAKMEM_RELIABILITY_VARIANTS names unknown variants: ${unknown.join(', ')}; variants: ${all.join(', ')}`,
    );
  cachedNames = only;
  return cachedNames;
}

// ---------------------------------------------------------------------------------------
// Building variants: one builder at a time across the vitest workers (a lock directory), and
// only when the variant's dist is older than a C source, a header, a manifest or the config.

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs fn holding .hakmem/reliability/locks/<name> (mkdir is atomic); stale locks (10 min) are broken. */
export function withLock<T>(name: string, fn: () => T): T {
  const dir = join(workRoot, 'locks', name);
  mkdirSync(join(workRoot, 'locks'), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(dir).mtimeMs > 10 * 60_000) rmSync(dir, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${dir}`);
      sleepMs(200);
    }
  }
  try {
    writeFileSync(join(dir, 'owner'), String(process.pid));
    return fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function newestMtime(path: string, exts: string[]): number {
  let newest = 0;
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (st.isFile()) return exts.some((e) => path.endsWith(e)) ? st.mtimeMs : 0;
  for (const e of readdirSync(path)) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, e), exts));
  }
  return newest;
}

/** Newest input of a variant build: base and core C, slot headers, box C, built manifests, the config. */
function sourcesMtime(): number {
  let t = Math.max(
    newestMtime(join(repoRoot, 'native', 'base'), ['.c', '.h']),
    newestMtime(join(repoRoot, 'native', 'core'), ['.c', '.h']),
    newestMtime(join(repoRoot, 'native', 'include'), ['.h']),
    newestMtime(join(repoRoot, 'hakmem.config.ts'), ['.ts']),
  );
  for (const pkg of readdirSync(join(repoRoot, 'packages'))) {
    t = Math.max(t, newestMtime(join(repoRoot, 'packages', pkg, 'c'), ['.c', '.h']));
    t = Math.max(t, newestMtime(join(repoRoot, 'packages', pkg, 'dist', 'index.js'), ['.js']));
  }
  return t;
}

/** Builds dist/<name>/ unless it is up to date; returns its paths and variant.json. */
export function ensureVariant(name: string): VariantInfo {
  const dist = join(repoRoot, 'dist', name);
  const jsonPath = join(dist, 'variant.json');
  const fresh = () =>
    existsSync(jsonPath) &&
    existsSync(join(dist, 'libhakmem.so')) &&
    existsSync(join(repoRoot, '.hakmem', 'build', name, 'hakmem_variant.c')) &&
    statSync(jsonPath).mtimeMs >= sourcesMtime();
  if (!fresh()) {
    withLock(`build-${name}`, () => {
      if (fresh()) return;
      const r = run(process.execPath, { args: [cliBin, 'build', name], cwd: repoRoot, timeoutMs: 300_000 });
      if (r.status !== 0) throw new Error(`building variant ${name} failed\n${describeRun(r)}`);
    });
  }
  return {
    name,
    dist,
    lib: join(dist, 'libhakmem.so'),
    json: JSON.parse(readFileSync(jsonPath, 'utf8')) as VariantJsonLite,
  };
}

/** Does the variant abort on an invalid free (block onInvalid: 'abort'), or report once and go on? */
export function abortsOnInvalidFree(v: VariantInfo): boolean {
  const policy = v.json.tunables.block?.onInvalid;
  if (policy !== undefined) return policy === 'abort';
  return v.json.boxes.block?.box === 'checked';
}

/** Does the variant give every emptied slab back at once (purge/eager)? Each reuse is then a
 * fresh page fault, so the stress programs run smaller on it. */
export function purgesAtOnce(v: VariantInfo): boolean {
  return v.json.boxes.purge?.box === 'eager';
}

// ---------------------------------------------------------------------------------------
// Instrumented builds of a variant's generated unit (prefixed names, HK_BUILD_ADDON=1)

/** The contract's CFLAGS as the variant was built with them (its variant.json), without the
 * optimisation level (instrumented builds pick their own) and the -Werror= ones (the test
 * program compiled with the unit calls the hakmem_* API undeclared), and its include directories. */
export function contractCflags(variant: string): string[] {
  const json = JSON.parse(readFileSync(join(repoRoot, 'dist', variant, 'variant.json'), 'utf8')) as VariantJsonLite;
  const cflags = json.compiler?.cflags;
  if (!cflags?.length) throw new Error(`dist/${variant}/variant.json records no compiler.cflags: rebuild the variant`);
  return [
    ...cflags.filter((f) => !/^-O|^-Werror=/.test(f)),
    `-I${join(repoRoot, 'native', 'include')}`,
    `-I${join(repoRoot, 'native', 'base')}`,
    `-I${join(repoRoot, 'native', 'core')}`,
    `-I${join(workRoot, variant, 'unit')}`,
    ...(json.compiler?.includes ?? []).map((d) => `-I${packageDir(d)}`),
  ];
}

/**
 * Copies the variant's generated unit (hakmem_variant.c + hk_variant_config.h) into
 * .hakmem/reliability/<v>/unit/ under the build lock, so a concurrent rebuild of the variant
 * never shows a half-written unit to the compiler. Returns the copied unit's path.
 */
export function variantUnit(v: VariantInfo): string {
  const src = join(repoRoot, '.hakmem', 'build', v.name);
  const dst = join(workRoot, v.name, 'unit');
  withLock(`build-${v.name}`, () => {
    mkdirSync(dst, { recursive: true });
    for (const f of ['hakmem_variant.c', 'hk_variant_config.h']) {
      const from = join(src, f);
      if (!existsSync(from))
        throw new Error(`${from} missing: build the variant first (node packages/cli/bin/hakmem.mjs build ${v.name})`);
      const to = join(dst, f);
      if (!existsSync(to) || !readFileSync(to).equals(readFileSync(from))) copyFileSync(from, to);
    }
  });
  return join(dst, 'hakmem_variant.c');
}

function hashTree(h: ReturnType<typeof createHash>, path: string): void {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) {
    if (/\.(c|h|cc)$/.test(path)) h.update(path).update(readFileSync(path));
    return;
  }
  for (const e of readdirSync(path).sort()) if (e !== 'node_modules' && !e.startsWith('.')) hashTree(h, join(path, e));
}

/** The unit, its config header, every C source of the base, the core and the boxes, and `extra`: they key the cache. */
function unitInputsHash(unit: string, extra: string[]): string {
  const h = createHash('sha256');
  h.update(readFileSync(unit));
  h.update(readFileSync(join(unit, '..', 'hk_variant_config.h')));
  hashTree(h, join(repoRoot, 'native', 'base'));
  hashTree(h, join(repoRoot, 'native', 'core'));
  hashTree(h, join(repoRoot, 'native', 'include'));
  for (const pkg of readdirSync(join(repoRoot, 'packages')).sort()) hashTree(h, join(repoRoot, 'packages', pkg, 'c'));
  for (const f of extra) h.update(f).update(existsSync(f) ? readFileSync(f) : '');
  return h.digest('hex');
}

export interface CompileStep {
  cc: string;
  args: string[];
}

/**
 * Runs compile steps to produce `out` unless a stamp says the same steps already built it
 * from the same inputs (the unit, every source it includes, `inputs`). Output written under a
 * temporary name and renamed, so parallel workers never run a half-written binary.
 */
export function buildCached(
  out: string,
  unit: string,
  inputs: string[],
  steps: CompileStep[],
  outputs: string[] = [out],
): string {
  const key = createHash('sha256').update(unitInputsHash(unit, inputs)).update(JSON.stringify(steps)).digest('hex');
  const stamp = `${out}.stamp`;
  if (outputs.every((o) => existsSync(o)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return out;
  mkdirSync(join(out, '..'), { recursive: true });
  const tag = `.tmp-${process.pid}-${Date.now()}`;
  try {
    for (const s of steps) {
      const args = s.args.map((a) => (outputs.includes(a) ? a + tag : a));
      const r = run(s.cc, { args, cwd: repoRoot, timeoutMs: 300_000 });
      if (r.status !== 0 || r.error) throw new Error(`compiling ${out} failed\n${describeRun(r)}`);
    }
    for (const o of outputs) renameSync(o + tag, o);
  } finally {
    for (const o of outputs) rmSync(o + tag, { force: true });
  }
  writeFileSync(stamp, key);
  return out;
}

export const workDir = (variant: string, ...parts: string[]): string => join(workRoot, variant, ...parts);

/** The flags of the allocator's unit under a sanitizer, as a program's part (its malloc family
 * prefixed, HK_BUILD_ADDON=1); with ASan and UBSan, sanitizers.test.ts's san_stress and
 * fuzz.test.ts's replay link the same object. UBSan's checks stop at their first report, as
 * ASan's do. */
export const SAN_CFLAGS = ['-O1', '-fno-omit-frame-pointer', '-DHK_BUILD_ADDON=1'];
export const ASAN_UBSAN_CFLAGS = [...SAN_CFLAGS, '-fsanitize=address,undefined', '-fno-sanitize-recover=all'];

/** The variant's unit compiled once with ASAN_UBSAN_CFLAGS (the longest compile of both programs). */
export function asanUnitObject(v: VariantInfo): string {
  const unit = variantUnit(v);
  const out = workDir(v.name, 'asan-unit', 'hakmem_variant.o');
  return buildCached(
    out,
    unit,
    [],
    [{ cc: 'gcc', args: [...contractCflags(v.name), ...ASAN_UBSAN_CFLAGS, '-c', unit, '-o', out] }],
  );
}

/** clang (for libFuzzer), if installed. */
export function findClang(): string | undefined {
  return findExecutable('clang') ?? findExecutable('clang-14') ?? findExecutable('clang-16');
}

// ---------------------------------------------------------------------------------------
// Running with a variant

export interface ServedOptions extends RunOptions {
  /** Set HAKMEM_REPORT and require the process's report line naming the variant. */
  requireReport?: boolean;
}

/** The environment of a program run with `lib` preloaded (hk_test.h's glibc escape unset). */
export function preloadEnv(
  lib: string,
  env: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return { HK_TEST_ALLOW_GLIBC: undefined, ...env, LD_PRELOAD: lib };
}

/** Runs a plain program with dist/<v>/libhakmem.so preloaded. */
export function runPreloaded(v: VariantInfo | string, bin: string, opts: ServedOptions = {}): RunResult {
  const lib = typeof v === 'string' ? v : v.lib;
  const r = run(bin, { ...opts, report: opts.requireReport ?? opts.report, env: preloadEnv(lib, opts.env) });
  // The report line is written at exit; a failed run is explained by the caller's status check.
  if (opts.requireReport && typeof v !== 'string' && r.status === 0) {
    const line = r.report.find((l) => l.pid === r.pid);
    if (!line || line.variant !== v.name) {
      throw new Error(
        `no HAKMEM_REPORT line for pid ${r.pid} naming variant ${v.name}: hakmem did not serve it\n${describeRun(r)}`,
      );
    }
  }
  return r;
}

/** Throws unless the run exited 0 and printed "hakmem variant=<name>" and "ok <n> checks". */
export function expectProgramOk(r: RunResult, variant: string): number {
  if (r.status !== 0 || r.error || r.signal) throw new Error(`program failed\n${describeRun(r)}`);
  if (!r.stdout.includes(`hakmem variant=${variant}`))
    throw new Error(`expected "hakmem variant=${variant}"\n${describeRun(r)}`);
  const m = /^ok (\d+) checks$/m.exec(r.stdout);
  if (!m || !(Number(m[1]) > 0)) throw new Error(`no "ok <n> checks" line\n${describeRun(r)}`);
  return Number(m[1]);
}
