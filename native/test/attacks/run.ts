// The attack suite's runner: compiles the programs of native/test/attacks/ once (kept in
// .hakmem/attacks/ by their source's hash), runs each under each allocator (LD_PRELOAD; glibc
// without one) and turns its exit into a verdict; also writes and reads the Markdown table of
// docs/security.md. Used by `pnpm attacks` (scripts/attacks.mjs, which bundles this file with
// esbuild) and by native/test/attacks.test.ts. Self-contained (node: modules only), so it
// bundles without the test helpers.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const attacksDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(attacksDir, '..', '..', '..');

export type Verdict = 'stopped' | 'intact' | 'silent' | 'n/a' | 'hang' | 'error';

export interface Allocator {
  /** Column name: a hakmem variant's name, or glibc, mimalloc, jemalloc, tcmalloc, scudo. */
  name: string;
  kind: 'hakmem' | 'peer';
  /** The library to preload; undefined for glibc (the process's own malloc). */
  lib?: string;
}

export interface AttackResult {
  attack: string;
  allocator: string;
  verdict: Verdict;
  /** One line: the SILENT / N/A message, the signal and the allocator's message, or why it is an error. */
  detail: string;
  stdout: string;
  stderr: string;
}

/** Peer columns, in table order. glibc is always there; the others when their library is installed. */
export const PEERS = ['glibc', 'mimalloc', 'jemalloc', 'tcmalloc', 'scudo'] as const;
const PEER_LIBS: Record<string, string> = {
  mimalloc: '/usr/lib/x86_64-linux-gnu/libmimalloc.so.2',
  jemalloc: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
  tcmalloc: '/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4',
};

/** Scudo standalone from any installed LLVM (libclang-rt-<v>-dev), newest first. */
function findScudo(): string | undefined {
  const base = '/usr/lib';
  if (!existsSync(base)) return undefined;
  const found: string[] = [];
  for (const llvm of readdirSync(base).filter((d) => d.startsWith('llvm-'))) {
    const clang = join(base, llvm, 'lib', 'clang');
    if (!existsSync(clang)) continue;
    for (const v of readdirSync(clang)) {
      const lib = join(clang, v, 'lib', 'linux', 'libclang_rt.scudo_standalone-x86_64.so');
      if (existsSync(lib)) found.push(lib);
    }
  }
  return found.sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))[0];
}

/** The peers installed on this machine, glibc first. */
export function peerAllocators(): Allocator[] {
  const libs: Record<string, string | undefined> = { ...PEER_LIBS, scudo: findScudo() };
  const out: Allocator[] = [{ name: 'glibc', kind: 'peer' }];
  for (const name of PEERS.slice(1)) {
    const lib = libs[name];
    if (lib && existsSync(lib)) out.push({ name, kind: 'peer', lib });
  }
  return out;
}

/** Every built variant (dist/<v>/libhakmem.so), in `order` first (the config's), then by name. */
export function hakmemVariants(order: string[] = []): Allocator[] {
  const dist = join(repoRoot, 'dist');
  if (!existsSync(dist)) return [];
  const built = readdirSync(dist).filter((v) => existsSync(join(dist, v, 'libhakmem.so')));
  const rank = (v: string) => (order.includes(v) ? order.indexOf(v) : order.length);
  return built
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((name) => ({ name, kind: 'hakmem', lib: join(dist, name, 'libhakmem.so') }));
}

/** The attack programs: every native/test/attacks/<name>.c, by name. */
export function attackNames(): string[] {
  return readdirSync(attacksDir)
    .filter((f) => f.endsWith('.c'))
    .map((f) => basename(f, '.c'))
    .sort();
}

// ---------------------------------------------------------------------------------------
// Processes

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  spawnError?: Error;
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Exit> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let spawnError: Error | undefined;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => (spawnError = e));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, timedOut, spawnError });
    });
  });
}

/** Runs fn over items, `jobs` at a time; results in the items' order. */
async function pool<T, R>(items: T[], jobs: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return out;
}

export const defaultJobs = (): number => Math.max(2, Math.min(4, cpus().length));

// -O0 and -fno-builtin keep every use after free, overflow and bad free the program spells out.
const CFLAGS = ['-std=gnu11', '-O0', '-g', '-fno-builtin', '-Wall', '-Wextra', '-Werror', '-pthread'];

export interface Compiled {
  /** Each attack's program, by name. */
  bins: Map<string, string>;
}

/** Where compiled attacks are kept, each under a hash of its source, attack.h and the flags:
 * they do not depend on the allocator, so every variant's project (and `pnpm attacks`) runs
 * the same binaries instead of compiling all of them again (30 programs, 11 projects). */
const binDir = join(repoRoot, '.hakmem', 'attacks');

/** Compiles every attack (or `only`) unless a build of the same source and flags is kept;
 * throws with gcc's output on failure. */
export async function compileAttacks(only?: string[], jobs = defaultJobs()): Promise<Compiled> {
  const names = only ?? attackNames();
  const header = readFileSync(join(attacksDir, 'attack.h'));
  const bins = new Map<string, string>();
  const failures: string[] = [];
  await pool(names, jobs, async (name) => {
    const src = join(attacksDir, `${name}.c`);
    const key = createHash('sha256')
      .update(CFLAGS.join('\0'))
      .update('\0')
      .update(header)
      .update('\0')
      .update(readFileSync(src))
      .digest('hex')
      .slice(0, 16);
    const out = join(binDir, key, name); // named as the attack: its verdicts are keyed by the file's name
    bins.set(name, out);
    if (existsSync(out)) return;
    mkdirSync(dirname(out), { recursive: true });
    // under a name of this process, then renamed: parallel projects never run half a file
    const tmp = `${out}.tmp-${process.pid}`;
    const r = await exec('gcc', [...CFLAGS, src, '-o', tmp, '-ldl'], process.env, 120_000);
    if (r.code === 0) renameSync(tmp, out);
    else failures.push(`gcc ${name}.c: ${r.spawnError?.message ?? ''}\n${r.stdout}${r.stderr}`);
  });
  if (failures.length) throw new Error(`compiling the attacks failed\n${failures.join('\n')}`);
  return { bins };
}

// Allocator settings from the caller's environment would change what is measured: every
// allocator runs with its built-in policy (hakmem variants included: no HAKMEM_* at all).
const ALLOCATOR_ENV = /^(LD_PRELOAD|HAKMEM_\w*|MIMALLOC_\w*|TCMALLOC_\w*|MALLOC_\w*|SCUDO_\w*|GLIBC_TUNABLES)$/;

function childEnv(alloc: Allocator): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!ALLOCATOR_ENV.test(k)) env[k] = v;
  if (alloc.lib) env.LD_PRELOAD = alloc.lib;
  return env;
}

const STOP_SIGNALS = new Set(['SIGABRT', 'SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGTRAP']);
// What allocators print when they end the process themselves (checked on a non-zero exit).
const ABORT_MESSAGE =
  /^hakmem: |Scudo ERROR|<jemalloc>|mimalloc: error|tcmalloc\.cc:\d+\]|^(free|malloc|realloc)\(\): |double free or corruption|munmap_chunk\(\)/m;
const PRELOAD_FAILED = /cannot be preloaded/;

const firstLine = (s: string) => s.split('\n').find((l) => l.trim()) ?? '';

/** The verdict of one finished run (exported for the tests of the runner itself). */
export function classify(e: Exit): { verdict: Verdict; detail: string } {
  const out = e.stdout.trim();
  const said = (tag: string) => firstLine(out).startsWith(tag);
  const allocatorLine = e.stderr.split('\n').find((l) => ABORT_MESSAGE.test(l)) ?? '';
  if (e.spawnError) return { verdict: 'error', detail: `did not start: ${e.spawnError.message}` };
  if (PRELOAD_FAILED.test(e.stderr)) return { verdict: 'error', detail: firstLine(e.stderr) };
  if (e.timedOut) return { verdict: 'hang', detail: 'killed after the time limit' };
  if (e.signal && STOP_SIGNALS.has(e.signal))
    return { verdict: 'stopped', detail: `${e.signal}${allocatorLine ? `: ${allocatorLine}` : ''}` };
  if (e.code === 0 && said('INTACT')) return { verdict: 'intact', detail: '' };
  if (e.code === 3 && said('SILENT:')) return { verdict: 'silent', detail: firstLine(out).slice(8) };
  if (e.code === 4 && said('N/A:')) return { verdict: 'n/a', detail: firstLine(out).slice(5) };
  if (e.code !== 0 && e.code !== null && !out && allocatorLine)
    return { verdict: 'stopped', detail: `exit ${e.code}: ${allocatorLine}` };
  const how = e.signal ? `killed by ${e.signal}` : `exit ${e.code}`;
  return { verdict: 'error', detail: `${how}; stdout: ${out || '(empty)'}; stderr: ${e.stderr.trim() || '(empty)'}` };
}

/** Runs one compiled attack under one allocator (10 s limit, stdin closed). */
export async function runAttack(bin: string, alloc: Allocator, timeoutMs = 10_000): Promise<AttackResult> {
  const e = await exec(bin, [], childEnv(alloc), timeoutMs);
  return { attack: basename(bin), allocator: alloc.name, ...classify(e), stdout: e.stdout, stderr: e.stderr };
}

/** Every attack under every allocator, `runs` times each, `jobs` processes at a time. */
export async function runMatrix(
  compiled: Compiled,
  allocators: Allocator[],
  jobs = defaultJobs(),
  runs = 1,
): Promise<AttackResult[]> {
  const todo = [...compiled.bins.values()].flatMap((bin) =>
    allocators.flatMap((a) => Array.from({ length: runs }, () => ({ bin, a }))),
  );
  return pool(todo, jobs, ({ bin, a }) => runAttack(bin, a));
}

// ---------------------------------------------------------------------------------------
// The table in docs/security.md

export const TABLE_START = '<!-- attacks:start -->';
export const TABLE_END = '<!-- attacks:end -->';

// Cells, in the order a cell lists verdicts that differed between runs ("**SILENT** / stopped").
const CELL: Record<Verdict, string> = {
  silent: '**SILENT**',
  stopped: 'stopped',
  intact: 'intact',
  'n/a': 'n/a',
  hang: 'hang',
  error: 'error',
};
const ORDER = Object.keys(CELL) as Verdict[];
const SEPARATOR = ' / ';

/** The distinct verdicts of the runs of each attack under each allocator, keyed `attack\0allocator`. */
export function verdictsByCell(results: AttackResult[]): Map<string, Verdict[]> {
  const seen = new Map<string, Set<Verdict>>();
  for (const r of results) {
    const key = `${r.attack}\0${r.allocator}`;
    if (!seen.has(key)) seen.set(key, new Set());
    seen.get(key)?.add(r.verdict);
  }
  return new Map([...seen].map(([k, v]) => [k, ORDER.filter((o) => v.has(o))]));
}

/** The Markdown table: one row per attack (linked to its source), one column per allocator. */
export function markdownTable(results: AttackResult[], attacks: string[], allocators: Allocator[]): string {
  const cells = verdictsByCell(results);
  const lines = [
    `| attack | ${allocators.map((a) => a.name).join(' | ')} |`,
    `| :--- | ${allocators.map(() => ':---:').join(' | ')} |`,
  ];
  for (const attack of attacks) {
    const row = allocators.map((a) => (cells.get(`${attack}\0${a.name}`) ?? []).map((v) => CELL[v]).join(SEPARATOR));
    lines.push(`| [${attack}](../native/test/attacks/${attack}.c) | ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Replaces what lies between the markers (which must be there) with the table. */
export function replaceTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`docs/security.md lacks the ${TABLE_START} ... ${TABLE_END} markers`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

export interface ReadmeTable {
  columns: string[];
  /** attack -> column -> the verdicts its cell lists (more than one where runs differed) */
  verdicts: Map<string, Map<string, Verdict[]>>;
}

const VERDICT_OF = new Map(Object.entries(CELL).map(([v, cell]) => [cell, v as Verdict]));

/** Reads the table between the markers back into verdicts; throws on a cell it does not know. */
export function parseTable(readme: string): ReadmeTable {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`docs/security.md lacks the ${TABLE_START} ... ${TABLE_END} markers`);
  const rows = readme
    .slice(start + TABLE_START.length, end)
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  if (rows.length < 2) throw new Error('the attacks table in docs/security.md has no rows');
  const columns = rows[0].slice(1);
  const verdicts = new Map<string, Map<string, Verdict[]>>();
  for (const row of rows.slice(2)) {
    const attack = row[0].replace(/^\[([^\]]+)\]\(.*\)$/, '$1');
    const byColumn = new Map<string, Verdict[]>();
    columns.forEach((col, i) => {
      const cell = row[i + 1] ?? '';
      if (!cell) return;
      const listed = cell.split(SEPARATOR).map((c) => {
        const v = VERDICT_OF.get(c.trim());
        if (!v) throw new Error(`attacks table: unknown cell "${cell}" (attack ${attack}, column ${col})`);
        return v;
      });
      byColumn.set(col, listed);
    });
    verdicts.set(attack, byColumn);
  }
  return { columns, verdicts };
}
