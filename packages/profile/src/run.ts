import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { constants } from 'node:os';
import { buildUnlessCurrent, HakmemError, type LoadedConfig } from '@hakmem/compose';
import { renderFlameGraph } from './flamegraph.js';
import { foldStacks, formatFolded } from './folded.js';
import { pprofGz } from './pprof.js';
import { resolveCommand } from './command.js';
import { readRawProfile, type RawProfile } from './raw.js';
import { formatBytes, formatLeaks, formatSummary, formatTop, pidList } from './report.js';
import { exePattern, selectProcesses, type ProcessFilter } from './select.js';
import { symbolize, type Profile } from './symbolize.js';

import { DEFAULT_PROFILE_DIR, DEFAULT_PROFILE_VARIANT } from './options.js';
export { DEFAULT_PROFILE_DIR, DEFAULT_PROFILE_VARIANT } from './options.js';
const RAW = /^raw-.*\.prof$/;

/** The raw profiles in `dir`, sorted by name. */
export const rawProfilesIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => RAW.test(f))
    .sort()
    .map((f) => join(dir, f));

export interface ReportResult {
  readonly profile: Profile;
  /** The files written, relative to the directory. */
  readonly files: readonly string[];
  /** The terminal summary. */
  readonly summary: string;
  /** Raw profiles that could not be read (truncated, ...), with why. */
  readonly skipped: readonly string[];
}

export interface ReportRunOptions {
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
  /** Paths in frames are shown relative to it. */
  readonly cwd?: string;
  readonly addr2line?: string;
  /** Which processes make the report (default: every one). */
  readonly filter?: ProcessFilter;
}

/**
 * Reads every raw-*.prof in `dir`, keeps the processes `filter` selects, symbolises them, merges
 * them into one report, and writes profile.svg, top.txt, leaks.txt, {alloc,inuse}.pb.gz and {alloc,inuse}.folded there.
 */
export function writeProfileReport(dir: string, opts: ReportRunOptions = {}): ReportResult {
  const log = opts.log ?? (() => {});
  const files = rawProfilesIn(dir);
  const read: RawProfile[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    try {
      read.push(readRawProfile(f));
    } catch (err) {
      if (!(err instanceof HakmemError)) throw err;
      skipped.push(err.message);
      log(`skipping ${err.message}`);
    }
  }
  if (read.length === 0) {
    throw new HakmemError(
      files.length === 0
        ? `no raw profile (raw-*.prof) in ${dir}`
        : `no complete raw profile in ${dir}:\n  ${skipped.join('\n  ')}`,
    );
  }
  const selection = selectProcesses(read, opts.filter ?? {});
  if (selection.note) log(selection.note);
  const raws = selection.kept;
  if (raws.length > 1)
    log(`merging ${raws.length} processes (pids ${pidList(raws.map((r) => r.pid))}) into one report`);
  const profile = symbolize(raws, {
    ...(opts.addr2line ? { addr2line: opts.addr2line } : {}),
    onStart: (pcs, nfiles) => log(`symbolising ${pcs} pcs in ${nfiles} files`),
  });
  const reportOpts = opts.cwd ? { cwd: opts.cwd } : {};
  const alloc = foldStacks(profile.alloc);
  const total = alloc.reduce((a, s) => a + s.value, 0);
  const pids = raws.map((r) => r.pid).join(', ');
  const out: Record<string, string | Buffer> = {
    'profile.svg': renderFlameGraph(alloc, {
      title: `hakmem: ${formatBytes(total)} allocated (estimated) by call stack, variant ${raws[0]!.variant}, pid ${pids}`,
    }),
    'top.txt': formatTop(profile, reportOpts),
    'leaks.txt': formatLeaks(profile, reportOpts),
    'alloc.pb.gz': pprofGz(profile, 'alloc'),
    'inuse.pb.gz': pprofGz(profile, 'inuse'),
    'alloc.folded': formatFolded(alloc),
    'inuse.folded': formatFolded(foldStacks(profile.live)),
  };
  log(`writing ${Object.keys(out).join(', ')} to ${dir}`);
  for (const [name, data] of Object.entries(out)) writeFileSync(join(dir, name), data);
  const written = [...Object.keys(out), ...raws.map((r) => relative(dir, r.file))];
  const rel = relative(opts.cwd ?? process.cwd(), dir);
  const shown = rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
  return { profile, files: written, summary: formatSummary(profile, shown, written, reportOpts), skipped };
}

export interface ProfileRunOptions {
  readonly variant?: string;
  /** Where the report goes (default ./hakmem-profile). */
  readonly outDir?: string;
  /** Mean sampling interval in bytes (HAKMEM_SAMPLER_SAMPLE_BYTES); the box's default when absent. */
  readonly rate?: number;
  /** Keep the processes whose program matches this regular expression (default: the command's program). */
  readonly exe?: string;
  readonly command: string;
  readonly args?: readonly string[];
  readonly log?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ProfileRunResult {
  /** The command's exit status (128 + signal number when killed by a signal). */
  readonly status: number;
  readonly report?: ReportResult;
  /** Why there is no report (no raw profile, none of the program asked for, ...). */
  readonly problem?: string;
}

/** Runs `command` with stdio inherited; resolves to its pid and exit status. Ctrl-C goes to the child only. */
function runInherited(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ pid: number; status: number }> {
  const ignore = () => {};
  process.on('SIGINT', ignore);
  return new Promise<{ pid: number; status: number }>((resolvePromise, reject) => {
    const child = spawn(command, [...args], { env, stdio: 'inherit' });
    child.on('error', (e) => reject(new HakmemError(`cannot run ${command}: ${e.message}`)));
    child.on('close', (code, signal) =>
      resolvePromise({ pid: child.pid ?? 0, status: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0) }),
    );
  }).finally(() => process.off('SIGINT', ignore));
}

/**
 * `hakmem profile`: checks the command exists, builds the profiling variant unless dist/ holds
 * a build of the same inputs (its variantKey), runs the command with it preloaded and
 * HAKMEM_PROFILE pointing at <outDir>/raw-%p.prof, then writes the report from the raw
 * profiles of the command's program (or of `exe`). The result carries the command's status,
 * whatever became of the report.
 */
export async function runProfile(config: LoadedConfig, opts: ProfileRunOptions): Promise<ProfileRunResult> {
  const log = opts.log ?? (() => {});
  const variant = opts.variant ?? DEFAULT_PROFILE_VARIANT;
  if (!Object.hasOwn(config.variants, variant)) {
    throw new HakmemError(
      `variant '${variant}' not found in ${config.path ?? 'the config'}: hakmem profile needs a variant whose sampler slot samples (a '${DEFAULT_PROFILE_VARIANT}' variant, or name one with --variant); variants: ${Object.keys(config.variants).join(', ')}`,
    );
  }
  if (opts.rate !== undefined && !(Number.isSafeInteger(opts.rate) && opts.rate > 0)) {
    throw new HakmemError(`--rate must be a positive number of bytes, not ${opts.rate}`);
  }
  const base = opts.env ?? process.env;
  resolveCommand(opts.command, base);
  if (opts.exe !== undefined) exePattern(opts.exe); // a bad pattern fails now, not after the run
  const outDir = resolve(opts.outDir ?? DEFAULT_PROFILE_DIR);
  const started = Date.now();
  log(`building variant ${variant} (unless built from the same sources)`);
  const built = await buildUnlessCurrent(config, variant, opts.env ? { env: opts.env } : {});
  if (built.diagnostics) process.stderr.write(built.diagnostics);
  log(
    built.compiled
      ? `built ${variant} in ${((Date.now() - started) / 1000).toFixed(1)} s`
      : `${variant} is built from the same sources already: reusing it`,
  );

  mkdirSync(outDir, { recursive: true });
  for (const f of rawProfilesIn(outDir)) rmSync(f, { force: true });
  const lib = join(built.distDir, 'libhakmem.so');
  const env: NodeJS.ProcessEnv = {
    ...base,
    LD_PRELOAD: base.LD_PRELOAD ? `${lib}:${base.LD_PRELOAD}` : lib,
    HAKMEM_PROFILE: join(outDir, 'raw-%p.prof'),
    ...(opts.rate !== undefined ? { HAKMEM_SAMPLER_SAMPLE_BYTES: String(opts.rate) } : {}),
  };
  const args = opts.args ?? [];
  log(`running ${[opts.command, ...args].join(' ')}${opts.rate ? ` (sampling every ${opts.rate} bytes)` : ''}`);
  const { pid, status } = await runInherited(opts.command, args, env);
  if (status !== 0) log(`${opts.command} exited with status ${status}`);
  if (rawProfilesIn(outDir).length === 0) {
    const problem = `${opts.command} ran but wrote no raw profile to ${outDir}: was ${lib} preloaded? (a static program, a setuid one, or one that clears LD_PRELOAD is not), and does variant '${variant}' sample (sampler: poisson)?`;
    return { status, problem };
  }
  try {
    const filter = opts.exe !== undefined ? { exe: opts.exe } : { rootPid: pid };
    return { status, report: writeProfileReport(outDir, { log, filter }) };
  } catch (err) {
    if (!(err instanceof HakmemError)) throw err;
    return { status, problem: err.message };
  }
}
