/** The report's data: rows with medians, spreads and ratios to the best peer; the JSON files. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, release, arch, platform, totalmem, availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { Allocator, AllocatorKind, Skipped } from './allocators.js';
import type { InstructionCount } from './callgrind.js';
import type { BenchLine, Sample } from './run.js';
import { bestPeer, median, ratio, relativeSpread, spread } from './stats.js';

export const SCHEMA = 'hakmem-bench/1';

/** What the runner gathered for one benchmark × allocator. */
export interface RawResult {
  benchmark: string;
  allocator: Allocator;
  /** repetitions asked for */
  reps: number;
  samples: Sample[];
  errors: string[];
  /** error: the count failed; unavailable: valgrind cannot run this allocator at all (n/a, not a failure) */
  instructions?: InstructionCount | { error: string } | { unavailable: string };
}

export interface RowSample {
  opsPerSec: number;
  seconds: number;
  ops: number;
  peakRssKb: number;
  /** null when runrss did not report them */
  minorFaults: number | null;
  majorFaults: number | null;
  wallSeconds: number;
  userSeconds: number;
  sysSeconds: number;
  /** the round it ran in (1-based), where known */
  rep?: number;
}

export interface Row {
  benchmark: string;
  allocator: string;
  kind: AllocatorKind;
  isPeer: boolean;
  variant?: string;
  /** repetitions asked for, and how many gave a result */
  reps: number;
  okReps: number;
  /** median over the reps, with min..max */
  opsPerSec: number | null;
  opsPerSecMin: number | null;
  opsPerSecMax: number | null;
  /** (max-min)/2/median */
  opsPerSecSpread: number | null;
  /**
   * nanoseconds per op, median of 1e9 / opsPerSec over the runs, with min..max: the time of one op of the
   * whole process (tiny_hot: one malloc + free pair on one thread; the multi-threaded programs: 1 / throughput)
   */
  nsPerOp: number | null;
  nsPerOpMin: number | null;
  nsPerOpMax: number | null;
  seconds: number | null;
  peakRssKb: number | null;
  peakRssKbMin: number | null;
  peakRssKbMax: number | null;
  /** against the best peer's throughput (higher is better): the median over the rounds of this
   * round's opsPerSec / the best peer's (roundRatio), else opsPerSec / the best peer's */
  ratioToBestPeer: number | null;
  /** peakRssKb / best (lowest) peer's (lower is better) */
  rssRatioToBestPeer: number | null;
  /** minor page faults of the whole process (median), and the median of minorFaults / ops */
  minorFaults: number | null;
  faultsPerOp: number | null;
  /** faultsPerOp / best (lowest) peer's (lower is better) */
  faultsRatioToBestPeer: number | null;
  /** programs that sample their RSS (burst_idle): the first successful run's samples, KiB, one every timelineSampleMs */
  timelineKb?: number[];
  timelineSampleMs?: number;
  /** present when --instructions: exact instructions per op, and / best (lowest) peer's */
  instructionsPerOp?: number | null;
  instructionsRatioToBestPeer?: number | null;
  instructions?: InstructionCount;
  /** why there is no count although --instructions asked ("Scudo under valgrind: ..."): n/a, not a failure */
  instructionsUnavailable?: string;
  /** the program's own parameters (threads, sizes, ...) from its result line */
  params: Record<string, unknown>;
  samples: RowSample[];
  error?: string;
}

export interface BestPeers {
  throughput: { name: string; value: number } | null;
  rss: { name: string; value: number } | null;
  faults: { name: string; value: number } | null;
  instructions?: { name: string; value: number } | null;
}

/** One benchmark of a hardened variant against its hardened peer (secure / scudo). */
export interface HardenedRatios {
  /** variant ops/s ÷ peer ops/s: higher is better */
  throughputRatio: number | null;
  /** variant peak RSS ÷ peer peak RSS: lower is better */
  rssRatio: number | null;
  variantNsPerOp: number | null;
  peerNsPerOp: number | null;
}

/** A hakmem variant and the hardened peer it is compared with (hakmem-secure and scudo), per benchmark. */
export interface HardenedPair {
  /** allocator names: hakmem-secure, scudo */
  variant: string;
  peer: string;
  /** the column's heading: secure / scudo */
  label: string;
  benchmarks: Record<string, HardenedRatios>;
}

export interface Machine {
  cpuModel: string;
  cores: number;
  availableParallelism: number;
  kernel: string;
  platform: string;
  arch: string;
  memoryKb: number;
  node: string;
  glibc: string | null;
}

export interface BenchmarkInfo {
  name: string;
  /** the program it runs when that differs from the name (handoff: xthread) */
  program?: string;
  description: string;
  args: string[];
  instructionOps?: number;
}

export interface Report {
  schema: typeof SCHEMA;
  date: string;
  machine: Machine;
  options: Record<string, unknown>;
  allocators: {
    name: string;
    kind: AllocatorKind;
    isPeer: boolean;
    preload: string | null;
    variant?: string;
    hardenedPeerOf?: string;
  }[];
  skipped: Skipped[];
  /** each hakmem variant's dist/<v>/variant.json (null when absent) */
  variants: Record<string, unknown>;
  benchmarks: BenchmarkInfo[];
  bestPeers: Record<string, BestPeers>;
  /** each hardened peer that ran with its variant (scudo with hakmem-secure): the "secure / scudo" column */
  hardenedPairs: HardenedPair[];
  rows: Row[];
  failures: { benchmark: string; allocator: string; error: string }[];
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

// the timeline goes to its own row field rather than params
const PARAM_SKIP = new Set(['benchmark', 'ops', 'seconds', 'opsPerSec', 'peakRssKb', 'rssTimelineKb']);

/** The RSS timeline a result line carries (burst_idle's rssTimelineKb), or null. */
export function timelineOf(line: BenchLine | undefined): { kb: number[]; sampleMs: number } | null {
  const kb = line?.rssTimelineKb;
  if (!Array.isArray(kb) || kb.length === 0 || !kb.every((v) => typeof v === 'number' && Number.isFinite(v)))
    return null;
  const ms = line?.sampleMs;
  return { kb: kb as number[], sampleMs: typeof ms === 'number' && ms > 0 ? ms : 10 };
}

const rowSample = ({ result: _r, ...s }: Sample): RowSample => ({
  ...s,
  // NaN (not reported) would become null in JSON anyway: say so in the type
  minorFaults: finiteOrNull(s.minorFaults),
  majorFaults: finiteOrNull(s.majorFaults),
});

/**
 * The median over the rounds both ran of a's throughput / b's in the same round, or null when no
 * round has both. A round runs every allocator back to back, so what moves the whole machine
 * between rounds (this VM's CPUs share a cache in some rounds and not in others: 2-3x on the
 * cross-thread benchmarks, every allocator alike) moves both figures and drops out of the ratio,
 * where the ratio of the two medians can take them from different modes.
 */
export function roundRatio(a: readonly RowSample[], b: readonly RowSample[]): number | null {
  const byRep = new Map(b.filter((s) => s.rep !== undefined && s.opsPerSec > 0).map((s) => [s.rep, s.opsPerSec]));
  const r = a.flatMap((s) => {
    const other = s.rep === undefined ? undefined : byRep.get(s.rep);
    return other !== undefined && Number.isFinite(s.opsPerSec) ? [s.opsPerSec / other] : [];
  });
  return r.length > 0 ? median(r) : null;
}

/** Turn raw results into rows: medians, spreads, and ratios to the best peer of the same benchmark. */
export function computeRows(raw: readonly RawResult[]): { rows: Row[]; bestPeers: Record<string, BestPeers> } {
  const rows: Row[] = raw.map((r) => {
    const ops = spread(r.samples.map((s) => s.opsPerSec));
    const rss = spread(r.samples.map((s) => s.peakRssKb));
    const secs = spread(r.samples.map((s) => s.seconds));
    const ns = spread(r.samples.map((s) => (s.opsPerSec > 0 ? 1e9 / s.opsPerSec : Number.NaN)));
    const faults = spread(r.samples.map((s) => s.minorFaults));
    const perOpFaults = spread(r.samples.map((s) => (s.ops > 0 ? s.minorFaults / s.ops : Number.NaN)));
    const timeline = timelineOf(r.samples[0]?.result);
    const first = r.samples[0]?.result ?? {};
    const params = Object.fromEntries(Object.entries(first).filter(([k]) => !PARAM_SKIP.has(k)));
    const row: Row = {
      benchmark: r.benchmark,
      allocator: r.allocator.name,
      kind: r.allocator.kind,
      isPeer: r.allocator.isPeer,
      ...(r.allocator.variant !== undefined ? { variant: r.allocator.variant } : {}),
      reps: r.reps,
      okReps: r.samples.length,
      opsPerSec: finiteOrNull(ops.median),
      opsPerSecMin: finiteOrNull(ops.min),
      opsPerSecMax: finiteOrNull(ops.max),
      opsPerSecSpread: finiteOrNull(relativeSpread(ops)),
      nsPerOp: finiteOrNull(ns.median),
      nsPerOpMin: finiteOrNull(ns.min),
      nsPerOpMax: finiteOrNull(ns.max),
      seconds: finiteOrNull(secs.median),
      peakRssKb: finiteOrNull(rss.median),
      peakRssKbMin: finiteOrNull(rss.min),
      peakRssKbMax: finiteOrNull(rss.max),
      ratioToBestPeer: null,
      rssRatioToBestPeer: null,
      minorFaults: finiteOrNull(faults.median),
      faultsPerOp: finiteOrNull(perOpFaults.median),
      faultsRatioToBestPeer: null,
      ...(timeline ? { timelineKb: timeline.kb, timelineSampleMs: timeline.sampleMs } : {}),
      params,
      samples: r.samples.map(rowSample),
    };
    if (r.instructions !== undefined) {
      if ('error' in r.instructions) {
        row.instructionsPerOp = null;
        row.instructionsRatioToBestPeer = null;
      } else if ('unavailable' in r.instructions) {
        row.instructionsPerOp = null;
        row.instructionsRatioToBestPeer = null;
        row.instructionsUnavailable = r.instructions.unavailable;
      } else {
        row.instructionsPerOp = r.instructions.perOp;
        row.instructionsRatioToBestPeer = null;
        row.instructions = r.instructions;
      }
    }
    const errors = [...r.errors];
    if (r.instructions && 'error' in r.instructions) errors.push(`instructions: ${r.instructions.error}`);
    if (errors.length > 0) row.error = [...new Set(errors)].join('; ');
    return row;
  });

  const bestPeers: Record<string, BestPeers> = {};
  for (const bench of [...new Set(rows.map((r) => r.benchmark))]) {
    const mine = rows.filter((r) => r.benchmark === bench);
    const cands = (f: (r: Row) => number | null | undefined) =>
      mine.map((r) => ({ name: r.allocator, isPeer: r.isPeer, value: f(r) }));
    const best: BestPeers = {
      throughput: bestPeer(
        cands((r) => r.opsPerSec),
        'higher',
      ),
      rss: bestPeer(
        cands((r) => r.peakRssKb),
        'lower',
      ),
      faults: bestPeer(
        cands((r) => r.faultsPerOp),
        'lower',
      ),
    };
    const withInstr = mine.some((r) => r.instructionsPerOp !== undefined);
    if (withInstr)
      best.instructions = bestPeer(
        cands((r) => r.instructionsPerOp),
        'lower',
      );
    bestPeers[bench] = best;
    const bestRow = mine.find((r) => r.allocator === best.throughput?.name);
    for (const r of mine) {
      r.ratioToBestPeer = roundRatio(r.samples, bestRow?.samples ?? []) ?? ratio(r.opsPerSec, best.throughput?.value);
      r.rssRatioToBestPeer = ratio(r.peakRssKb, best.rss?.value);
      r.faultsRatioToBestPeer = ratio(r.faultsPerOp, best.faults?.value);
      if (r.instructionsPerOp !== undefined)
        r.instructionsRatioToBestPeer = ratio(r.instructionsPerOp, best.instructions?.value);
    }
  }
  return { rows, bestPeers };
}

/**
 * The hardened pairs of a run: every allocator with hardenedPeerOf whose variant also ran, with the variant's
 * throughput and peak RSS divided by the peer's for each benchmark (null where either has no figure).
 */
export function hardenedPairs(
  allocators: readonly Pick<Allocator, 'name' | 'hardenedPeerOf'>[],
  rows: readonly Row[],
): HardenedPair[] {
  const names = new Set(allocators.map((a) => a.name));
  const out: HardenedPair[] = [];
  for (const a of allocators) {
    const variant = a.hardenedPeerOf;
    if (!variant || !names.has(variant)) continue;
    const benchmarks: Record<string, HardenedRatios> = {};
    for (const bench of [...new Set(rows.map((r) => r.benchmark))]) {
      const v = rows.find((r) => r.benchmark === bench && r.allocator === variant);
      const p = rows.find((r) => r.benchmark === bench && r.allocator === a.name);
      benchmarks[bench] = {
        throughputRatio: ratio(v?.opsPerSec, p?.opsPerSec),
        rssRatio: ratio(v?.peakRssKb, p?.peakRssKb),
        variantNsPerOp: v?.nsPerOp ?? null,
        peerNsPerOp: p?.nsPerOp ?? null,
      };
    }
    out.push({ variant, peer: a.name, label: `${variant.replace(/^hakmem-/, '')} / ${a.name}`, benchmarks });
  }
  return out;
}

function glibcVersion(): string | null {
  try {
    const rep = process.report?.getReport() as unknown as { header?: { glibcVersionRuntime?: string } } | undefined;
    return rep?.header?.glibcVersionRuntime ?? null;
  } catch {
    return null;
  }
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) return m[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

export function machineInfo(): Machine {
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    availableParallelism: availableParallelism(),
    kernel: release(),
    platform: platform(),
    arch: arch(),
    memoryKb: Math.round(totalmem() / 1024),
    node: process.version,
    glibc: glibcVersion(),
  };
}

export interface ReportInput {
  date: Date;
  machine: Machine;
  options: Record<string, unknown>;
  allocators: readonly Allocator[];
  skipped: readonly Skipped[];
  benchmarks: BenchmarkInfo[];
  raw: readonly RawResult[];
}

export function buildReport(input: ReportInput): Report {
  const { rows, bestPeers } = computeRows(input.raw);
  const variants: Record<string, unknown> = {};
  for (const a of input.allocators) if (a.kind === 'hakmem' && a.variant) variants[a.variant] = a.variantJson ?? null;
  return {
    schema: SCHEMA,
    date: input.date.toISOString(),
    machine: input.machine,
    options: input.options,
    allocators: input.allocators.map((a) => ({
      name: a.name,
      kind: a.kind,
      isPeer: a.isPeer,
      preload: a.preload,
      ...(a.variant !== undefined ? { variant: a.variant } : {}),
      ...(a.hardenedPeerOf !== undefined ? { hardenedPeerOf: a.hardenedPeerOf } : {}),
    })),
    skipped: [...input.skipped],
    variants,
    benchmarks: input.benchmarks,
    bestPeers,
    hardenedPairs: hardenedPairs(input.allocators, rows),
    rows,
    failures: rows
      .filter((r) => r.error)
      .map((r) => ({ benchmark: r.benchmark, allocator: r.allocator, error: r.error as string })),
  };
}

/** 2025-01-31T12-34-56Z: a file-name-safe UTC timestamp. */
export function timestampName(d: Date): string {
  return d
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/** Write via a .tmp file and rename, so a reader never sees half a report. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** bench-results/<timestamp>.json and latest.json; returns their paths. */
export function writeJsonReports(outDir: string, report: Report): string[] {
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const stamped = join(outDir, `${timestampName(new Date(report.date))}.json`);
  const latest = join(outDir, 'latest.json');
  writeFileAtomic(stamped, text);
  writeFileAtomic(latest, text);
  return [stamped, latest];
}
