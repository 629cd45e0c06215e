/**
 * One measured run of the user's command under one allocator, through the bench's runrss
 * helper (fork, exec, wait4): wall time, CPU time, peak RSS (ru_maxrss) and page faults of the
 * whole process tree it waits for. The command's output goes to a file, never to our terminal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_DIR, buildPrograms, parseRunrssLine, runProcess, tail } from '@hakmem/bench';
import { HakmemError } from '@hakmem/compose';
import { figureOf, type Metric } from './metric.js';

/** Something the command runs under: the base, a candidate, or a peer allocator. */
export interface Arm {
  readonly id: string;
  readonly kind: 'base' | 'candidate' | 'peer';
  /** The library preloaded; null for glibc. */
  readonly lib: string | null;
  /** Runtime tunables of a candidate (HAKMEM_<SLOT>_<NAME>). */
  readonly env: Readonly<Record<string, string>>;
}

/** Why a run failed, as data: the probe reads the status a command exits with from here. */
export type RunFailure =
  | { readonly kind: 'exit'; readonly status: number; readonly expected: number }
  | { readonly kind: 'signal'; readonly signal: number }
  | { readonly kind: 'timeout'; readonly seconds: number }
  | { readonly kind: 'metric' }
  | { readonly kind: 'runrss' };

export interface RunSample {
  readonly arm: string;
  readonly stage: string;
  readonly round: number;
  readonly ok: boolean;
  /** Why it failed (absent when ok; records of older tunes lack it). */
  readonly failure?: RunFailure;
  /** Why it failed, in words: the exit status or signal, and the output's last lines. */
  readonly error?: string;
  readonly wall: number;
  readonly cpu: number;
  readonly rssKb: number;
  readonly faults: number;
  /** The figure --metric REGEX read from the output (absent for wall and cpu). */
  readonly figure?: number;
}

/** Compiles (or finds cached) runrss. */
export async function runrssPath(cacheDir: string): Promise<string> {
  const built = await buildPrograms(['runrss'], { sourceDir: join(PACKAGE_DIR, 'c'), cacheDir });
  const p = built.get('runrss');
  if (!p) throw new HakmemError('could not build runrss');
  return p;
}

/** The environment of every measured run: ours without LD_PRELOAD or any HAKMEM_ variable (they
 * would change what a candidate is), plus the arm's. */
export function armEnv(base: NodeJS.ProcessEnv, arm: Arm, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (k !== 'LD_PRELOAD' && !k.startsWith('HAKMEM_')) env[k] = v;
  return { ...env, ...arm.env, ...extra };
}

export interface RunOptions {
  readonly runrss: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Where the command's output goes. */
  readonly outputFile: string;
  readonly timeoutSeconds: number;
  /** The exit status the base had (a run that differs has failed). */
  readonly expectExit: number;
  readonly baseEnv?: NodeJS.ProcessEnv;
  readonly extraEnv?: Record<string, string>;
  /** A --metric REGEX: its figure is read from the output, and a run whose output lacks it fails. */
  readonly metric?: Metric;
}

export async function runOnce(arm: Arm, stage: string, round: number, o: RunOptions): Promise<RunSample> {
  const r = await runProcess(
    o.runrss,
    [
      ...(arm.lib ? ['--preload', arm.lib] : []),
      '--timeout',
      String(o.timeoutSeconds),
      '--output',
      o.outputFile,
      '--',
      o.command,
      ...o.args,
    ],
    { env: armEnv(o.baseEnv ?? process.env, arm, o.extraEnv), cwd: o.cwd },
  );
  const line = parseRunrssLine(r.stdout);
  const fail = (failure: RunFailure, why: string): RunSample => {
    let out = '';
    try {
      out = tail(readFileSync(o.outputFile, 'utf8'), 4);
    } catch {
      /* no output */
    }
    return {
      arm: arm.id,
      stage,
      round,
      ok: false,
      failure,
      error: out ? `${why}; its output ended:\n${out}` : why,
      wall: Number.NaN,
      cpu: Number.NaN,
      rssKb: Number.NaN,
      faults: Number.NaN,
    };
  };
  if (!line) return fail({ kind: 'runrss' }, `runrss failed: ${tail(r.stderr || r.spawnError || 'no result line', 3)}`);
  if (line.timedOut)
    return fail({ kind: 'timeout', seconds: o.timeoutSeconds }, `timed out after ${o.timeoutSeconds} s`);
  if (line.signal) return fail({ kind: 'signal', signal: line.signal }, `killed by signal ${line.signal}`);
  if (line.exit !== o.expectExit) {
    return fail(
      { kind: 'exit', status: line.exit, expected: o.expectExit },
      `exit status ${line.exit} (the base's was ${o.expectExit})`,
    );
  }
  let figure: number | undefined;
  if (o.metric?.kind === 'regex') {
    let out = '';
    try {
      out = readFileSync(o.outputFile, 'utf8');
    } catch {
      /* no output: no match */
    }
    const f = figureOf(o.metric, out);
    if ('error' in f) return fail({ kind: 'metric' }, f.error);
    figure = f.value;
  }
  return {
    arm: arm.id,
    stage,
    round,
    ok: true,
    wall: line.wallSeconds,
    cpu: line.userSeconds + line.sysSeconds,
    rssKb: line.maxRssKb,
    faults: line.minorFaults + line.majorFaults,
    ...(figure !== undefined ? { figure } : {}),
  };
}
