/**
 * `hakmem tune -- <command>`: measures the command under the base variant, single changes from
 * it and their combination, with the peers as references, and writes the winner into the config.
 *
 *   probe    one run under the base with the counters stats box: the workload's shape
 *   build    every candidate's library (runtime tunables share a build: builds.ts)
 *   screen   base + candidates + peers, `reps` rounds, each round in a new shuffled order
 *   confirm  base + the best two survivors + their combination, `reps` fresh rounds
 *   decide   decide.ts; write tune.json, table.txt, chart.svg; the variant into the config
 *
 * Runs are ranked by the metric (metric.ts): wall seconds, CPU seconds, or a figure the command
 * prints. Where `reps` is too few for the rank test ever to pass (3 against 3 gives at best
 * p = 0.05), both stages run the fewest rounds that can, and the log says so first.
 *
 * tune.json is rewritten after every run, so an interrupted tune resumes where it stopped (same
 * command, goal, base, reps and config); the budget is checked before every run.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PEER_SONAMES, findLibrary, formatBytes } from '@hakmem/bench';
import type { SlotName } from '@hakmem/native';
import { HakmemError, resolveVariantInput, getVariant, type LoadedConfig, type ResolvedVariant } from '@hakmem/compose';
import {
  applyChanges,
  candidateOf,
  combine,
  singleCandidates,
  type Candidate,
  type Change,
  type Goal,
} from './candidates.js';
import { tuneChartSvg } from './chart.js';
import { renderVariant, writeVariant, type NewVariant } from './config-edit.js';
import {
  ALPHA,
  MAX_FINALISTS,
  MIN_EFFECT,
  higherWins,
  pickWinner,
  promising,
  roundsToDecide,
  verdicts,
  type Verdict,
} from './decide.js';
import { ensureBuilt, runtimeEnv } from './builds.js';
import { runOnce, runrssPath, type Arm, type RunOptions, type RunSample } from './measure.js';
import { metricFlags, metricLabel, WALL, type Metric } from './metric.js';
import { minPossibleP } from './rank.js';
import { chartPoints, formatTable, metricText, summarize, winnerDescription, type ArmSummary } from './report.js';
import { describeShape, parseStatsReports, type WorkloadShape } from './workload.js';

export const DEFAULT_TUNE_DIR = 'hakmem-tune';
export const DEFAULT_TUNE_NAME = 'tuned';
export const DEFAULT_REPS = 5;
export const PEERS = ['glibc', 'mimalloc', 'jemalloc', 'tcmalloc'] as const;
const RECORD = 'tune.json';
const SCHEMA = 'hakmem-tune/1';

export interface TuneOptions {
  readonly config: LoadedConfig;
  readonly command: string;
  readonly args: readonly string[];
  readonly goal: Goal;
  /** What runs are ranked by (default: wall seconds). */
  readonly metric?: Metric;
  readonly base: string;
  readonly name: string;
  /** Wall-clock budget of the whole tune, ms. */
  readonly budgetMs: number;
  readonly reps: number;
  readonly outDir: string;
  /** Peers to run as references (glibc, mimalloc, jemalloc, tcmalloc; those not installed are skipped). */
  readonly peers: readonly string[];
  readonly dryRun: boolean;
  /** Start over even when tune.json could be resumed. */
  readonly fresh: boolean;
  readonly cwd?: string;
  readonly log?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Seeds the order of each round. */
  readonly seed?: number;
  /** Tests: where libraries are cached (default <root>/.hakmem/tune/builds). */
  readonly cacheDir?: string;
  /** Tests: stop after this many measured runs in this invocation, as an interruption would. */
  readonly stopAfterRuns?: number;
}

interface ArmRecord {
  readonly kind: Arm['kind'];
  readonly lib: string | null;
  readonly env: Record<string, string>;
  readonly changes?: readonly Change[];
  readonly why?: string;
}

export interface TuneRecord {
  readonly schema: typeof SCHEMA;
  readonly key: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly goal: Goal;
  /** Absent in records of wall-time tunes. */
  readonly metric?: Metric;
  readonly base: string;
  readonly reps: number;
  readonly started: string;
  updated: string;

  shape?: WorkloadShape;
  probe?: { wall: number; exit: number };
  arms: Record<string, ArmRecord>;
  /** rounds: how many this stage runs (a screen that finds nothing grows while the budget allows). */
  stages: Array<{ name: 'screen' | 'confirm'; arms: string[]; done: boolean; rounds: number }>;
  /** Candidates the budget left out, most promising first. */
  skipped?: string[];
  runs: RunSample[];
  /** Seconds spent, over every invocation of a resumed tune. */
  seconds: number;
  verdicts?: Array<Verdict & { stage: string }>;
  outcome?: TuneOutcome;
}

export interface TuneOutcome {
  /** 'winner': one was confirmed; 'equal': none beat the base beyond the spread; 'budget': the
   * budget ran out before a decision. */
  readonly result: 'winner' | 'equal' | 'budget';
  readonly winner?: string;
  readonly changes?: readonly Change[];
  readonly variant?: NewVariant;
  /** Where the variant went: the config, or nowhere (dry run / no winner). */
  readonly written?: string;
  readonly message: string;
}

export interface TuneResult {
  readonly record: TuneRecord;
  /** Where the files went, absolute. */
  readonly outDir: string;
  readonly table: string;
  readonly files: readonly string[];
}

/** A small seeded PRNG (mulberry32) for the order of each round. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(xs: readonly T[], rand: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** What a resumable tune must agree on. */
function recordKey(o: TuneOptions): string {
  const cfg = o.config.path && existsSync(o.config.path) ? readFileSync(o.config.path, 'utf8') : '';
  // wall, the default, leaves the key as it was before --metric
  const metric = o.metric && o.metric.kind !== 'wall' ? [metricFlags(o.metric)] : [];
  return createHash('sha256')
    .update(JSON.stringify([o.command, o.args, o.goal, o.base, o.reps, [...o.peers].sort(), cfg, ...metric]))
    .digest('hex')
    .slice(0, 16);
}

function changeEntries(changes: readonly Change[]): Pick<NewVariant, 'boxes' | 'tunables'> {
  const boxes: Record<string, string> = {};
  const tunables: Record<string, Record<string, number | boolean | string>> = {};
  for (const c of changes) {
    if ('box' in c) boxes[c.slot] = c.box;
    else (tunables[c.slot] ??= {})[c.tunable] = c.value;
  }
  return { boxes, tunables };
}

export async function runTune(o: TuneOptions): Promise<TuneResult> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const cwd = o.cwd ?? process.cwd();
  const outDir = resolve(cwd, o.outDir);
  const cacheDir = o.cacheDir ?? join(o.config.rootDir, '.hakmem', 'tune', 'builds');
  const base = getVariant(o.config, o.base);
  const metric = o.metric ?? WALL;
  const higher = higherWins(o.goal, metric);
  // rounds that can pass the rank test: 3 against 3 never gives p < 0.05
  const screenRounds = roundsToDecide(o.reps, 1);
  const confirmRounds = roundsToDecide(o.reps, MAX_FINALISTS);
  if (confirmRounds > o.reps) {
    log(
      `--reps ${o.reps} is too few for the rank test to decide: ${o.reps} runs against ${o.reps} give at best p = ${minPossibleP(o.reps, o.reps).toPrecision(2)}, and a confirmation needs p < ${ALPHA} and, under Holm over up to ${MAX_FINALISTS} finalists, p <= ${(ALPHA / MAX_FINALISTS).toPrecision(2)}; screening with ${screenRounds} rounds and confirming with ${confirmRounds}`,
    );
  }
  if (!o.dryRun && Object.hasOwn(o.config.variants, o.name)) {
    throw new HakmemError(`the config already has a variant '${o.name}'; choose another --name, or remove it first`);
  }
  if (!o.config.path && !o.dryRun) throw new HakmemError('the config was not loaded from a file; use --dry-run');
  mkdirSync(outDir, { recursive: true });
  const recordPath = join(outDir, RECORD);
  const key = recordKey(o);

  let rec: TuneRecord | undefined;
  if (!o.fresh && existsSync(recordPath)) {
    try {
      const old = JSON.parse(readFileSync(recordPath, 'utf8')) as TuneRecord;
      // a tune that stopped at its budget goes on; a decided one starts over
      if (old.schema === SCHEMA && old.key === key && (!old.outcome || old.outcome.result === 'budget')) {
        rec = old;
        delete rec.outcome;
        delete rec.verdicts;
      }
    } catch {
      /* unreadable: start over */
    }
    if (rec) log(`resuming the tune in ${relative(cwd, recordPath)}: ${rec.runs.length} runs done`);
  }
  rec ??= {
    schema: SCHEMA,
    key,
    command: o.command,
    args: [...o.args],
    goal: o.goal,
    ...(metric.kind !== 'wall' ? { metric } : {}),
    base: o.base,
    reps: o.reps,
    started: new Date().toISOString(),
    updated: new Date().toISOString(),
    arms: {},
    stages: [],
    runs: [],
    seconds: 0,
  };
  const record = rec;
  // the budget is this invocation's; the record keeps the time of all of them
  const elapsed = () => (Date.now() - started) / 1000;
  const before = record.seconds;
  const save = () => {
    record.updated = new Date().toISOString();
    record.seconds = before + elapsed();
    writeAtomic(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  };
  const budget = o.budgetMs / 1000;
  const runrss = await runrssPath(join(cacheDir, 'tools'));
  const outputFile = join(outDir, 'last-output.txt');
  // every measured run: the command, its output file, the caller's environment
  const runOptions = (timeoutSeconds: number, expectExit: number, extraEnv?: Record<string, string>): RunOptions => ({
    runrss,
    command: o.command,
    args: o.args,
    cwd,
    outputFile,
    timeoutSeconds,
    expectExit,
    ...(extraEnv ? { extraEnv } : {}),
    ...(o.env ? { baseEnv: o.env } : {}),
    ...(metric.kind === 'regex' ? { metric } : {}),
  });
  const resolveWith = (name: string, changes: readonly Change[]): ResolvedVariant =>
    resolveVariantInput(o.config.slots, name, { description: '', ...applyChanges(base, changes) });

  // -- probe: the workload's shape, and how long a run takes
  if (!record.probe) {
    const probeVariant = resolveWith('tune-probe', [{ slot: 'stats', box: 'counters' }]);
    log(`probe: building ${o.base} with the counters stats box`);
    const built = await ensureBuilt(o.config, probeVariant, cacheDir);
    const statsFile = join(outDir, 'probe-stats.txt');
    writeFileSync(statsFile, '');
    log(`probe: running ${[o.command, ...o.args].join(' ')}`);
    const probeArm: Arm = { id: 'probe', kind: 'base', lib: built.lib, env: runtimeEnv(probeVariant) };
    const probeTimeout = Math.max(60, budget);
    const first = await runOnce(
      probeArm,
      'probe',
      0,
      runOptions(probeTimeout, 0, { HAKMEM_STATS: '1', HAKMEM_STATS_FILE: statsFile }),
    );
    let exit = 0;
    if (!first.ok) {
      const m = /exit status (\d+)/.exec(first.error ?? '');
      if (!m) throw new HakmemError(`the command failed under ${o.base}: ${first.error}`);
      exit = Number(m[1]);
      log(`note: the command exits with status ${exit}; every run must do the same`);
    }
    const shape = parseStatsReports(readFileSync(statsFile, 'utf8'));
    record.shape = shape;
    record.probe = { wall: first.ok ? first.wall : Number.NaN, exit };
    if (!first.ok) {
      const again = await runOnce(probeArm, 'probe', 0, runOptions(probeTimeout, exit));
      if (!again.ok) throw new HakmemError(`the command failed under ${o.base}: ${again.error}`);
      record.probe = { wall: again.wall, exit };
    }
    if (metric.kind === 'regex') log(`probe: ${metric.name} ${metricText(metric, first.figure ?? Number.NaN)}`);
    save();
  }
  const shape = record.shape;
  const probe = record.probe!;
  if (shape) for (const l of describeShape(shape)) log(`workload: ${l}`);
  const runEstimate = Math.max(0.05, Number.isFinite(probe.wall) ? probe.wall : 1) + 0.03;
  const timeoutSeconds = Math.max(30, Math.ceil(runEstimate * 20));

  // -- arms: base, candidates (cut to the budget), peers
  const defineArm = async (id: string, kind: Arm['kind'], changes: readonly Change[], why?: string) => {
    if (record.arms[id]) return;
    const v = resolveWith(`tune-${kind}`, changes);
    const built = await ensureBuilt(o.config, v, cacheDir);
    if (built.compiled) log(`built ${id} (${built.key})`);
    record.arms[id] = { kind, lib: built.lib, env: runtimeEnv(v), changes: [...changes], ...(why ? { why } : {}) };
  };
  if (!record.stages.some((s) => s.name === 'screen')) {
    const peers: string[] = [];
    for (const p of o.peers) {
      if (p === 'glibc') {
        record.arms.glibc = { kind: 'peer', lib: null, env: {} };
        peers.push('glibc');
        continue;
      }
      const soname = PEER_SONAMES[p];
      const lib = soname ? findLibrary(soname) : null;
      if (!lib) {
        log(`peer ${p}: not installed, skipped`);
        continue;
      }
      record.arms[p] = { kind: 'peer', lib, env: {} };
      peers.push(p);
    }
    const all = singleCandidates(o.goal, base, shape, (slot: SlotName) => Object.keys(o.config.slots[slot].boxes));
    let singles = all;
    // the screen may take about half the budget: confirmation and builds need the rest
    const perRound = (arms: number) => arms * runEstimate;
    const fits = (k: number, p: number) =>
      screenRounds * perRound(1 + k + p) + confirmRounds * perRound(4) + 10 * k < 0.9 * budget;
    // references go first (tcmalloc, then jemalloc, ...), then the least promising candidates
    let keptPeers = peers;
    while (keptPeers.length > 0 && !fits(singles.length, keptPeers.length)) keptPeers = keptPeers.slice(0, -1);
    while (singles.length > 1 && !fits(singles.length, keptPeers.length)) singles = singles.slice(0, -1);
    for (const p of peers) if (!keptPeers.includes(p)) delete record.arms[p];
    if (keptPeers.length < peers.length)
      log(`budget: peers ${peers.filter((p) => !keptPeers.includes(p)).join(', ')} left out`);
    log(`candidates (${singles.length}): ${singles.map((c) => c.id).join(', ') || 'none'}`);
    record.skipped = all.slice(singles.length).map((c) => c.id);
    if (record.skipped.length) log(`budget: left out ${record.skipped.join(', ')}`);
    await defineArm('base', 'base', []);
    for (const c of singles) await defineArm(c.id, 'candidate', c.changes, c.why);
    record.stages.push({
      name: 'screen',
      arms: ['base', ...singles.map((c) => c.id), ...keptPeers],
      done: false,
      rounds: screenRounds,
    });
    save();
  }

  // -- rounds
  const rand = rng(o.seed ?? 1);
  let stopped = false;
  let measured = 0;
  const runStage = async (stage: TuneRecord['stages'][number]) => {
    const total = stage.arms.length * stage.rounds;
    for (let round = 1; round <= stage.rounds && !stopped; round++) {
      for (const id of shuffled(stage.arms, rand)) {
        if (record.runs.some((r) => r.stage === stage.name && r.round === round && r.arm === id)) continue;
        if (elapsed() + runEstimate * 1.5 > budget || measured === o.stopAfterRuns) {
          stopped = true;
          log(`budget: ${o.budgetMs / 60000} min reached after ${elapsed().toFixed(0)} s; stopping`);
          break;
        }
        measured++;
        const a = record.arms[id]!;
        const s = await runOnce(
          { id, kind: a.kind, lib: a.lib, env: a.env },
          stage.name,
          round,
          runOptions(timeoutSeconds, probe.exit),
        );
        record.runs.push(s);
        save();
        const done = record.runs.filter((r) => r.stage === stage.name).length;
        const fig =
          metric.kind === 'regex'
            ? `${metric.name} ${metricText(metric, s.figure ?? Number.NaN)}, `
            : metric.kind === 'cpu'
              ? `CPU ${s.cpu.toFixed(3)} s, wall `
              : '';
        log(
          `[${stage.name} ${done}/${total}] ${id}: ${s.ok ? `${fig}${s.wall.toFixed(3)} s, ${formatBytes(s.rssKb * 1024, { unit: 'MiB', decimals: 1 })}` : `FAILED: ${s.error?.split('\n')[0]}`}`,
        );
      }
    }
    if (!stopped) stage.done = true;
    save();
  };

  const screen = record.stages.find((s) => s.name === 'screen')!;
  const candIds = (arms: readonly string[]) => arms.filter((id) => record.arms[id]?.kind === 'candidate');
  if (!screen.done) await runStage(screen);
  let screenV = verdicts(
    o.goal,
    record.runs.filter((r) => r.stage === 'screen'),
    'base',
    candIds(screen.arms),
    { metric },
  );
  // Nothing beyond the spread yet: more rounds sharpen the test where the runs are noisy, while
  // the budget keeps room for a confirmation (up to 3 × reps; fresh rounds still decide).
  const roundCost = screen.arms.length * runEstimate;
  while (
    !stopped &&
    promising(screenV, higher).length === 0 &&
    screen.rounds < 3 * o.reps &&
    elapsed() + o.reps * roundCost + confirmRounds * 4 * runEstimate < 0.9 * budget
  ) {
    screen.rounds += o.reps;
    screen.done = false;
    log(`nothing beyond the spread after ${screen.rounds - o.reps} rounds; ${o.reps} more`);
    await runStage(screen);
    screenV = verdicts(
      o.goal,
      record.runs.filter((r) => r.stage === 'screen'),
      'base',
      candIds(screen.arms),
      { metric },
    );
  }
  const screenN = screen.rounds;
  const allVerdicts = new Map<string, Verdict & { stage: string }>(
    screenV.map((v) => [v.arm, { ...v, stage: 'screen' }]),
  );

  let outcome: TuneOutcome | undefined;
  let confirmV: Verdict[] = [];
  if (!stopped) {
    let confirm = record.stages.find((s) => s.name === 'confirm');
    if (!confirm) {
      const survivors = promising(screenV, higher);
      if (survivors.length === 0) {
        outcome = {
          result: 'equal',
          message: `no candidate beat ${o.base}${metric.kind === 'wall' ? '' : ` on ${metricLabel(metric)}`} beyond the run-to-run spread (one-sided rank test, p < ${ALPHA}, and at least ${MIN_EFFECT * 100}% on the median, over ${screenN} runs each; the smallest p ${screenN} runs allow is ${minPossibleP(screenN, screenN).toPrecision(2)}): keeping ${o.base}`,
        };
      } else {
        const ranked: Candidate[] = survivors.map((v) => {
          const a = record.arms[v.arm]!;
          return candidateOf(a.changes ?? [], a.why ?? '');
        });
        const finalists = ranked.slice(0, 2);
        const both = combine(ranked);
        if (both) {
          await defineArm(both.id, 'candidate', both.changes, both.why);
          finalists.push(both);
        }
        log(`confirming: ${finalists.map((c) => c.id).join(', ')} against ${o.base} in ${confirmRounds} fresh rounds`);
        confirm = {
          name: 'confirm',
          arms: ['base', ...finalists.map((c) => c.id)],
          done: false,
          rounds: confirmRounds,
        };
        record.stages.push(confirm);
        save();
      }
    }
    if (confirm && !outcome) {
      if (!confirm.done) await runStage(confirm);
      const runs = record.runs.filter((r) => r.stage === 'confirm');
      confirmV = verdicts(o.goal, runs, 'base', candIds(confirm.arms), { holm: true, metric });
      for (const v of confirmV) allVerdicts.set(v.arm, { ...v, stage: 'confirm' });
      const w = pickWinner(o.goal, runs, 'base', confirmV, (id) => record.arms[id]?.changes?.length ?? 0, metric);
      if (w) {
        outcome = { result: 'winner', winner: w.arm, changes: record.arms[w.arm]!.changes ?? [], message: '' };
      } else if (confirm.done) {
        outcome = {
          result: 'equal',
          message: `the screening survivors did not beat ${o.base} again in fresh runs (Holm-corrected rank test at ${ALPHA}): keeping ${o.base}`,
        };
      }
    }
  }
  if (outcome?.result === 'equal' && record.skipped?.length) {
    outcome = {
      ...outcome,
      message: `${outcome.message}; the budget left out ${record.skipped.join(', ')} (a larger --budget measures them)`,
    };
  }
  outcome ??= {
    result: 'budget',
    message: `the budget ran out before a decision (${record.runs.length} runs); rerun the same command to resume, or give a larger --budget`,
  };

  // -- report
  const armIds = Object.keys(record.arms);
  const summaries: ArmSummary[] = armIds.map((id) => summarize(id, record.arms[id]!.kind, record.runs, metric));
  const order = (a: ArmSummary) => (a.kind === 'base' ? 0 : a.kind === 'candidate' ? 1 : 2);
  summaries.sort((a, b) => order(a) - order(b));
  const files = [RECORD, 'table.txt', 'chart.svg'];
  if (outcome.result === 'winner') {
    const w = outcome.winner!;
    const winnerArm = summaries.find((a) => a.id === w)!;
    const baseArm = summaries.find((a) => a.id === 'base')!;
    const verdict = allVerdicts.get(w)!;
    const variant: NewVariant = {
      name: o.name,
      extends: o.base,
      description: winnerDescription({
        goal: o.goal,
        command: [o.command, ...o.args].join(' '),
        base: o.base,
        winner: winnerArm,
        baseArm,
        verdict,
        date: new Date().toISOString().slice(0, 10),
        metric,
      }),
      ...changeEntries(outcome.changes ?? []),
    };
    let written: string | undefined;
    if (!o.dryRun && o.config.path) {
      await writeVariant(o.config.path, variant);
      written = o.config.path;
    }
    outcome = {
      ...outcome,
      variant,
      ...(written ? { written } : {}),
      message: `${w} beats ${o.base} (${o.goal}${o.goal === 'speed' && metric.kind !== 'wall' ? `, ${metricLabel(metric)}` : ''}: median ${Math.abs((1 - verdict.ratio) * 100).toFixed(1)}% ${verdict.ratio < 1 ? 'lower' : 'higher'}, one-sided rank test p = ${verdict.p.toFixed(4)} in the confirmation rounds, significant after Holm over ${confirmV.length} finalist(s))`,
    };
  }
  record.verdicts = [...allVerdicts.values()];
  record.outcome = outcome;
  const table = formatTable(summaries, allVerdicts, outcome.winner, metric);
  const yName = metric.kind === 'wall' ? 'wall time' : metric.kind === 'cpu' ? 'CPU time' : metric.name;
  writeFileSync(join(outDir, 'table.txt'), `${table}\n`);
  writeFileSync(
    join(outDir, 'chart.svg'),
    tuneChartSvg(chartPoints(summaries, outcome.winner), {
      title: `hakmem tune --goal ${o.goal}: ${yName} against peak RSS`,
      y: { name: yName, ...(metric.kind === 'regex' ? {} : { unit: 's' }), higherIsBetter: metric.higherIsBetter },
      subtitle: `${[o.command, ...o.args].join(' ').slice(0, 100)} · medians with min–max of each arm's runs · ${new Date().toISOString().slice(0, 10)}`,
    }),
  );
  save();
  return { record, outDir, table, files };
}

/** The variant as it would be written (for --dry-run and the summary). */
export const variantSource = (v: NewVariant): string => renderVariant(v, '    ', '  ');
