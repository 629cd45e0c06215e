/** One timed run of a benchmark under one allocator, through runrss. */
import type { Allocator } from './allocators.js';
import { childEnv, runProcess, tail } from './proc.js';

/** The line every benchmark program prints. */
export interface BenchLine {
  benchmark: string;
  ops: number;
  seconds: number;
  opsPerSec: number;
  peakRssKb: number;
  [extra: string]: unknown;
}

/** The line runrss prints after its child exits. */
export interface RunrssLine {
  exit: number;
  signal: number;
  maxRssKb: number;
  /** wait4's ru_minflt / ru_majflt; NaN from an older runrss that did not print them */
  minorFaults: number;
  majorFaults: number;
  wallSeconds: number;
  userSeconds: number;
  sysSeconds: number;
  timedOut: boolean;
}

export interface Sample {
  opsPerSec: number;
  seconds: number;
  ops: number;
  /** peak RSS of the benchmark process (wait4's ru_maxrss), KiB */
  peakRssKb: number;
  /** page faults of the whole process (ru_minflt, ru_majflt), start-up included; NaN when unknown */
  minorFaults: number;
  majorFaults: number;
  wallSeconds: number;
  userSeconds: number;
  sysSeconds: number;
  /** the program's own line (its parameters and extra counters) */
  result: BenchLine;
  /** the round it ran in (1-based): a round runs every allocator once, back to back */
  rep?: number;
}

export type RunOutcome = { ok: true; sample: Sample } | { ok: false; error: string };

function jsonLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      const v: unknown = JSON.parse(t);
      if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Record<string, unknown>);
    } catch {
      // not ours
    }
  }
  return out;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Find and validate the benchmark's result line in a program's stdout. */
export function parseBenchLine(stdout: string, expected?: string): BenchLine | null {
  for (const o of jsonLines(stdout)) {
    if (typeof o.benchmark !== 'string' || (expected && o.benchmark !== expected)) continue;
    if (num(o.ops) && num(o.seconds) && num(o.opsPerSec) && num(o.peakRssKb)) return o as BenchLine;
  }
  return null;
}

/** runrss's line; the fault counts are optional (NaN when absent) so an older helper's output still parses. */
export function parseRunrssLine(stdout: string): RunrssLine | null {
  for (const o of jsonLines(stdout).reverse()) {
    const r = o.runrss as Record<string, unknown> | undefined;
    if (r && typeof r === 'object' && num(r.maxRssKb) && num(r.exit)) {
      return {
        ...(r as unknown as RunrssLine),
        minorFaults: num(r.minorFaults) ? r.minorFaults : Number.NaN,
        majorFaults: num(r.majorFaults) ? r.majorFaults : Number.NaN,
      };
    }
  }
  return null;
}

/** ld.so ignores a library it cannot preload and goes on with glibc: that must fail the run, not measure glibc. */
export function preloadFailure(stderr: string): string | null {
  const m = /^.*(cannot be preloaded|ld\.so: object .* from LD_PRELOAD).*$/m.exec(stderr);
  return m ? m[0].trim() : null;
}

export interface RunSpec {
  runrss: string;
  binary: string;
  args: readonly string[];
  /** the name the program's result line carries (programOf: handoff's is xthread) */
  benchmark: string;
  allocator: Allocator;
  timeoutSeconds: number;
}

export async function runOnce(spec: RunSpec): Promise<RunOutcome> {
  const argv = [
    ...(spec.allocator.preload ? ['--preload', spec.allocator.preload] : []),
    '--timeout',
    String(spec.timeoutSeconds),
    '--',
    spec.binary,
    ...spec.args,
  ];
  const r = await runProcess(spec.runrss, argv, { env: childEnv(), timeoutMs: (spec.timeoutSeconds + 30) * 1000 });
  if (r.spawnError) return { ok: false, error: `cannot run ${spec.runrss}: ${r.spawnError}` };
  const pre = preloadFailure(r.stderr);
  if (pre) return { ok: false, error: `LD_PRELOAD of ${spec.allocator.preload} failed: ${pre}` };
  const rr = parseRunrssLine(r.stdout);
  if (!rr) return { ok: false, error: `runrss gave no result (exit ${r.code}): ${tail(r.stderr)}` };
  if (rr.timedOut) return { ok: false, error: `timed out after ${spec.timeoutSeconds} s` };
  if (rr.signal)
    return { ok: false, error: `killed by signal ${rr.signal}${r.stderr ? `: ${tail(r.stderr, 3)}` : ''}` };
  if (rr.exit !== 0) return { ok: false, error: `exited with ${rr.exit}${r.stderr ? `: ${tail(r.stderr, 3)}` : ''}` };
  const line = parseBenchLine(r.stdout, spec.benchmark);
  if (!line)
    return { ok: false, error: `no result line from ${spec.benchmark}: ${tail(r.stdout, 3)} ${tail(r.stderr, 3)}` };
  return {
    ok: true,
    sample: {
      opsPerSec: line.opsPerSec,
      seconds: line.seconds,
      ops: line.ops,
      peakRssKb: rr.maxRssKb,
      minorFaults: rr.minorFaults,
      majorFaults: rr.majorFaults,
      wallSeconds: rr.wallSeconds,
      userSeconds: rr.userSeconds,
      sysSeconds: rr.sysSeconds,
      result: line,
    },
  };
}
