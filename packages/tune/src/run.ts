/**
 * `hakmem tune -- <command>`: measures the command under the base variant, single changes from
 * it and their combination, with the peers as references, and writes the winner into the config.
 *
 *   probe    one run under the base with the counters stats box: the workload's shape
 *   plan     the candidates and peers the budget allows, each library built (runtime tunables
 *            share a build: builds.ts)
 *   screen   base + candidates + peers, `reps` rounds, each round in a new shuffled order
 *   confirm  base + the best two survivors + their combination, `reps` fresh rounds (decide.ts)
 *   write    the exit (TuneOutcome: winner, equal or budget); a winner's variant into the config
 *   report   table.txt, chart.svg
 *
 * Each stage is a function over the Tune (options + the record) that goes on from what the
 * record already holds.
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
import { availableParallelism } from 'node:os';
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
import { buildKey, ensureBuilt, runtimeEnv, type Built } from './builds.js';
import { runOnce, runrssPath, type Arm, type RunOptions, type RunSample } from './measure.js';
import { metricFlags, metricLabel, WALL, type Metric } from './metric.js';
import { minPossibleP } from './rank.js';
import { chartPoints, formatTable, metricText, summarize, winnerDescription, type ArmSummary } from './report.js';
import { describeShape, parseStatsReports, type WorkloadShape } from './workload.js';

export { DEFAULT_REPS, DEFAULT_TUNE_DIR, DEFAULT_TUNE_NAME, PEERS } from './options.js';
const RECORD = 'tune.json';
// 2: outcome is { kind, ... } (1 had result); a record of 1 is not resumed
const SCHEMA = 'hakmem-tune/2';

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

/** How a tune ended, as data (the CLI prints `message`; nothing parses it back). */
export type TuneOutcome =
  /** One was confirmed: its changes from the base, the variant, and where it went (absent:
   * --dry-run). */
  | {
      readonly kind: 'winner';
      readonly winner: string;
      readonly changes: readonly Change[];
      readonly variant: NewVariant;
      readonly written?: string;
      readonly message: string;
    }
  /** None beat the base beyond the spread; `skipped`: candidates the budget left out. */
  | { readonly kind: 'equal'; readonly skipped: readonly string[]; readonly message: string }
  /** The budget ran out before a decision, after `runs` runs: the same command resumes. */
  | { readonly kind: 'budget'; readonly runs: number; readonly message: string };

export interface TuneResult {
  readonly record: TuneRecord;
  /** How it ended (also record.outcome). */
  readonly exit: TuneOutcome;
  /** The runs tune.json held when this invocation resumed it (absent: it started afresh). */
  readonly resumedAt?: number;
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

/** Test hooks: kept out of TuneOptions; tests call runTuneWith (not exported by the package). */
export interface TuneHooks {
  /** Where libraries are cached (default <root>/.hakmem/tune/builds). */
  readonly cacheDir?: string;
  /** Stop after this many measured runs in this invocation, as an interruption would. */
  readonly stopAfterRuns?: number;
  /** Seeds the order of each round (default 1). */
  readonly seed?: number;
}

type Stage = TuneRecord['stages'][number];
type StageVerdict = Verdict & { stage: string };

/** One tune in progress: its options, the record it keeps in tune.json, and this invocation's clock. */
interface Tune {
  readonly o: TuneOptions;
  readonly hooks: TuneHooks;
  readonly log: (line: string) => void;
  readonly cwd: string;
  readonly outDir: string;
  readonly cacheDir: string;
  readonly base: ResolvedVariant;
  readonly metric: Metric;
  readonly higher: boolean;
  readonly screenRounds: number;
  readonly confirmRounds: number;
  /** The budget of this invocation, seconds. */
  readonly budget: number;
  readonly record: TuneRecord;
  /** Runs in the record when this invocation resumed it (absent: a fresh tune). */
  readonly resumed?: number;
  readonly started: number;
  readonly rand: () => number;
  runrss: string;
  /** Measured in this invocation. */
  measured: number;
  /** The budget (or stopAfterRuns) stopped the runs. */
  stopped: boolean;
}

const elapsed = (t: Tune): number => (Date.now() - t.started) / 1000;

/** Rewrites tune.json: the record's time is that of every invocation. */
function save(t: Tune, seconds: number): void {
  t.record.updated = new Date().toISOString();
  t.record.seconds = seconds;
  writeAtomic(join(t.outDir, RECORD), `${JSON.stringify(t.record, null, 2)}\n`);
}

/** The options of every measured run: the command, its output file, the caller's environment. */
function runOptions(
  t: Tune,
  timeoutSeconds: number,
  expectExit: number,
  extraEnv?: Record<string, string>,
): RunOptions {
  return {
    runrss: t.runrss,
    command: t.o.command,
    args: t.o.args,
    cwd: t.cwd,
    outputFile: join(t.outDir, 'last-output.txt'),
    timeoutSeconds,
    expectExit,
    ...(extraEnv ? { extraEnv } : {}),
    ...(t.o.env ? { baseEnv: t.o.env } : {}),
    ...(t.metric.kind === 'regex' ? { metric: t.metric } : {}),
  };
}

const resolveWith = (t: Tune, name: string, changes: readonly Change[]): ResolvedVariant =>
  resolveVariantInput(t.o.config.slots, name, { description: '', ...applyChanges(t.base, changes) });

/** The record to go on with: tune.json when it can be resumed, else a fresh one. */
function openRecord(o: TuneOptions, recordPath: string, cwd: string, log: (l: string) => void) {
  const key = recordKey(o);
  if (!o.fresh && existsSync(recordPath)) {
    let rec: TuneRecord | undefined;
    try {
      const old = JSON.parse(readFileSync(recordPath, 'utf8')) as TuneRecord;
      // a tune that stopped at its budget goes on; a decided one starts over
      if (old.schema === SCHEMA && old.key === key && (!old.outcome || old.outcome.kind === 'budget')) {
        rec = old;
        delete rec.outcome;
        delete rec.verdicts;
      }
    } catch {
      /* unreadable: start over */
    }
    if (rec) {
      log(`resuming the tune in ${relative(cwd, recordPath)}: ${rec.runs.length} runs done`);
      return { record: rec, resumed: rec.runs.length };
    }
  }
  const metric = o.metric ?? WALL;
  const now = new Date().toISOString();
  const record: TuneRecord = {
    schema: SCHEMA,
    key,
    command: o.command,
    args: [...o.args],
    goal: o.goal,
    ...(metric.kind !== 'wall' ? { metric } : {}),
    base: o.base,
    reps: o.reps,
    started: now,
    updated: now,
    arms: {},
    stages: [],
    runs: [],
    seconds: 0,
  };
  return { record };
}

/** Checks the options, opens the record and says what the rank test can decide with `reps`. */
async function start(o: TuneOptions, hooks: TuneHooks): Promise<Tune> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const cwd = o.cwd ?? process.cwd();
  const outDir = resolve(cwd, o.outDir);
  const base = getVariant(o.config, o.base);
  const metric = o.metric ?? WALL;
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
  const { record, resumed } = openRecord(o, join(outDir, RECORD), cwd, log);
  const cacheDir = hooks.cacheDir ?? join(o.config.rootDir, '.hakmem', 'tune', 'builds');
  return {
    o,
    hooks,
    log,
    cwd,
    outDir,
    cacheDir,
    base,
    metric,
    higher: higherWins(o.goal, metric),
    screenRounds,
    confirmRounds,
    budget: o.budgetMs / 1000,
    record,
    ...(resumed !== undefined ? { resumed } : {}),
    started,
    rand: rng(hooks.seed ?? 1),
    runrss: await runrssPath(join(cacheDir, 'tools')),
    measured: 0,
    stopped: false,
  };
}

/** probe: one run under the base with the counters stats box: the workload's shape, how long a
 * run takes, and the status the command exits with (every run must exit the same). */
async function probe(t: Tune, persist: () => void): Promise<void> {
  const { o, record, log } = t;
  if (record.probe) return;
  const probeVariant = resolveWith(t, 'tune-probe', [{ slot: 'stats', box: 'counters' }]);
  log(`probe: building ${o.base} with the counters stats box`);
  const built = await ensureBuilt(o.config, probeVariant, t.cacheDir);
  const statsFile = join(t.outDir, 'probe-stats.txt');
  writeFileSync(statsFile, '');
  log(`probe: running ${[o.command, ...o.args].join(' ')}`);
  const probeArm: Arm = { id: 'probe', kind: 'base', lib: built.lib, env: runtimeEnv(probeVariant) };
  const probeTimeout = Math.max(60, t.budget);
  const first = await runOnce(
    probeArm,
    'probe',
    0,
    runOptions(t, probeTimeout, 0, { HAKMEM_STATS: '1', HAKMEM_STATS_FILE: statsFile }),
  );
  let exit = 0;
  if (!first.ok) {
    if (first.failure?.kind !== 'exit') throw new HakmemError(`the command failed under ${o.base}: ${first.error}`);
    exit = first.failure.status;
    log(`note: the command exits with status ${exit}; every run must do the same`);
  }
  record.shape = parseStatsReports(readFileSync(statsFile, 'utf8'));
  record.probe = { wall: first.ok ? first.wall : Number.NaN, exit };
  if (!first.ok) {
    const again = await runOnce(probeArm, 'probe', 0, runOptions(t, probeTimeout, exit));
    if (!again.ok) throw new HakmemError(`the command failed under ${o.base}: ${again.error}`);
    record.probe = { wall: again.wall, exit };
  }
  if (t.metric.kind === 'regex') log(`probe: ${t.metric.name} ${metricText(t.metric, first.figure ?? Number.NaN)}`);
  persist();
}

/** Seconds one run takes, from the probe's. */
const runEstimate = (t: Tune): number => {
  const wall = t.record.probe!.wall;
  return Math.max(0.05, Number.isFinite(wall) ? wall : 1) + 0.03;
};

interface ArmSpec {
  readonly id: string;
  readonly kind: Arm['kind'];
  readonly changes: readonly Change[];
  readonly why?: string;
}

/** Builds (or finds) the arms' libraries and records the arms. The libraries are compiled before
 * any arm is measured, two at a time where the machine has two cores (one at a time they were a
 * serial wait: 12 compiles, ~25 s, in one tune test run), once per build key: arms that differ
 * only in runtime tunables share a library. */
async function defineArms(t: Tune, specs: readonly ArmSpec[]): Promise<void> {
  const arms = specs
    .filter((a) => !t.record.arms[a.id])
    .map((a) => {
      const v = resolveWith(t, `tune-${a.kind}`, a.changes);
      return { ...a, v, key: buildKey(v) };
    });
  const builds = new Map<string, Built>();
  const first = new Map<string, (typeof arms)[number]>();
  for (const a of arms) if (!first.has(a.key)) first.set(a.key, a); // the arm that names the build in the log
  const queue = [...first.values()];
  const worker = async (): Promise<void> => {
    for (let a = queue.shift(); a; a = queue.shift()) {
      const built = await ensureBuilt(t.o.config, a.v, t.cacheDir, a.key);
      if (built.compiled) t.log(`built ${a.id} (${built.key})`);
      builds.set(a.key, built);
    }
  };
  // every worker finishes (a failure stops only its own queue) before the first failure is thrown
  const results = await Promise.allSettled(Array.from({ length: Math.min(2, availableParallelism()) }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  for (const { id, kind, changes, why, v, key } of arms) {
    const lib = builds.get(key)!.lib;
    t.record.arms[id] = { kind, lib, env: runtimeEnv(v), changes: [...changes], ...(why ? { why } : {}) };
  }
}

/** plan: the arms of the screen (base, candidates cut to the budget, installed peers), built. */
async function plan(t: Tune, persist: () => void): Promise<void> {
  const { o, record, log } = t;
  if (record.stages.some((s) => s.name === 'screen')) return;
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
  const all = singleCandidates(o.goal, t.base, record.shape, (slot: SlotName) =>
    Object.keys(o.config.slots[slot].boxes),
  );
  let singles = all;
  // the screen may take about half the budget: confirmation and builds need the rest
  const perRound = (arms: number) => arms * runEstimate(t);
  const fits = (k: number, p: number) =>
    t.screenRounds * perRound(1 + k + p) + t.confirmRounds * perRound(4) + 10 * k < 0.9 * t.budget;
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
  await defineArms(t, [
    { id: 'base', kind: 'base', changes: [] },
    ...singles.map((c) => ({ id: c.id, kind: 'candidate' as const, changes: c.changes, why: c.why })),
  ]);
  record.stages.push({
    name: 'screen',
    arms: ['base', ...singles.map((c) => c.id), ...keptPeers],
    done: false,
    rounds: t.screenRounds,
  });
  persist();
}

/** The rounds of a stage not yet in the record, each in a new shuffled order, while the budget lasts. */
async function runStage(t: Tune, stage: Stage, persist: () => void): Promise<void> {
  const { record, metric } = t;
  const estimate = runEstimate(t);
  const timeoutSeconds = Math.max(30, Math.ceil(estimate * 20));
  const total = stage.arms.length * stage.rounds;
  for (let round = 1; round <= stage.rounds && !t.stopped; round++) {
    for (const id of shuffled(stage.arms, t.rand)) {
      if (record.runs.some((r) => r.stage === stage.name && r.round === round && r.arm === id)) continue;
      if (elapsed(t) + estimate * 1.5 > t.budget || t.measured === t.hooks.stopAfterRuns) {
        t.stopped = true;
        t.log(`budget: ${t.o.budgetMs / 60000} min reached after ${elapsed(t).toFixed(0)} s; stopping`);
        break;
      }
      t.measured++;
      const a = record.arms[id]!;
      const s = await runOnce(
        { id, kind: a.kind, lib: a.lib, env: a.env },
        stage.name,
        round,
        runOptions(t, timeoutSeconds, record.probe!.exit),
      );
      record.runs.push(s);
      persist();
      const done = record.runs.filter((r) => r.stage === stage.name).length;
      const fig =
        metric.kind === 'regex'
          ? `${metric.name} ${metricText(metric, s.figure ?? Number.NaN)}, `
          : metric.kind === 'cpu'
            ? `CPU ${s.cpu.toFixed(3)} s, wall `
            : '';
      t.log(
        `[${stage.name} ${done}/${total}] ${id}: ${s.ok ? `${fig}${s.wall.toFixed(3)} s, ${formatBytes(s.rssKb * 1024, { unit: 'MiB', decimals: 1 })}` : `FAILED: ${s.error?.split('\n')[0]}`}`,
      );
    }
  }
  if (!t.stopped) stage.done = true;
  persist();
}

const candIds = (t: Tune, arms: readonly string[]) => arms.filter((id) => t.record.arms[id]?.kind === 'candidate');

const stageVerdicts = (t: Tune, stage: Stage, holm: boolean): Verdict[] =>
  verdicts(
    t.o.goal,
    t.record.runs.filter((r) => r.stage === stage.name),
    'base',
    candIds(t, stage.arms),
    holm ? { holm: true, metric: t.metric } : { metric: t.metric },
  );

/** screen: base, candidates and peers, `reps` rounds; where nothing is beyond the spread yet,
 * more rounds while the budget keeps room for a confirmation (up to 3 × reps). */
async function screen(t: Tune, persist: () => void): Promise<Verdict[]> {
  const { o } = t;
  const stage = t.record.stages.find((s) => s.name === 'screen')!;
  if (!stage.done) await runStage(t, stage, persist);
  let v = stageVerdicts(t, stage, false);
  const roundCost = stage.arms.length * runEstimate(t);
  while (
    !t.stopped &&
    promising(v, t.higher).length === 0 &&
    stage.rounds < 3 * o.reps &&
    elapsed(t) + o.reps * roundCost + t.confirmRounds * 4 * runEstimate(t) < 0.9 * t.budget
  ) {
    stage.rounds += o.reps;
    stage.done = false;
    t.log(`nothing beyond the spread after ${stage.rounds - o.reps} rounds; ${o.reps} more`);
    await runStage(t, stage, persist);
    v = stageVerdicts(t, stage, false);
  }
  return v;
}

/** What the screen and the confirmation decided: a winner with its changes, none, or not yet. */
type Decision =
  | { readonly kind: 'winner'; readonly winner: string; readonly changes: readonly Change[] }
  | { readonly kind: 'equal'; readonly message: string }
  | { readonly kind: 'budget' };

/** confirm: the best two survivors of the screen and their combination against the base, in
 * fresh rounds, Holm-corrected; a winner is picked from those confirmed. */
async function confirm(
  t: Tune,
  screenV: readonly Verdict[],
  all: Map<string, StageVerdict>,
  persist: () => void,
): Promise<{ decision: Decision; confirmV: Verdict[] }> {
  const { o, record, metric } = t;
  if (t.stopped) return { decision: { kind: 'budget' }, confirmV: [] };
  let stage = record.stages.find((s) => s.name === 'confirm');
  if (!stage) {
    const survivors = promising(screenV, t.higher);
    if (survivors.length === 0) {
      const n = record.stages.find((s) => s.name === 'screen')!.rounds;
      return {
        decision: {
          kind: 'equal',
          message: `no candidate beat ${o.base}${metric.kind === 'wall' ? '' : ` on ${metricLabel(metric)}`} beyond the run-to-run spread (one-sided rank test, p < ${ALPHA}, and at least ${MIN_EFFECT * 100}% on the median, over ${n} runs each; the smallest p ${n} runs allow is ${minPossibleP(n, n).toPrecision(2)}): keeping ${o.base}`,
        },
        confirmV: [],
      };
    }
    const ranked: Candidate[] = survivors.map((v) => {
      const a = record.arms[v.arm]!;
      return candidateOf(a.changes ?? [], a.why ?? '');
    });
    const finalists = ranked.slice(0, 2);
    const both = combine(ranked);
    if (both) {
      await defineArms(t, [{ id: both.id, kind: 'candidate', changes: both.changes, why: both.why }]);
      finalists.push(both);
    }
    t.log(`confirming: ${finalists.map((c) => c.id).join(', ')} against ${o.base} in ${t.confirmRounds} fresh rounds`);
    stage = { name: 'confirm', arms: ['base', ...finalists.map((c) => c.id)], done: false, rounds: t.confirmRounds };
    record.stages.push(stage);
    persist();
  }
  if (!stage.done) await runStage(t, stage, persist);
  const runs = record.runs.filter((r) => r.stage === 'confirm');
  const confirmV = stageVerdicts(t, stage, true);
  for (const v of confirmV) all.set(v.arm, { ...v, stage: 'confirm' });
  const w = pickWinner(o.goal, runs, 'base', confirmV, (id) => record.arms[id]?.changes?.length ?? 0, metric);
  if (w) return { decision: { kind: 'winner', winner: w.arm, changes: record.arms[w.arm]!.changes ?? [] }, confirmV };
  if (stage.done) {
    return {
      decision: {
        kind: 'equal',
        message: `the screening survivors did not beat ${o.base} again in fresh runs (Holm-corrected rank test at ${ALPHA}): keeping ${o.base}`,
      },
      confirmV,
    };
  }
  return { decision: { kind: 'budget' }, confirmV };
}

/** write: the decision as the tune's exit; a winner's variant, into the config unless --dry-run. */
async function write(
  t: Tune,
  decision: Decision,
  summaries: readonly ArmSummary[],
  all: ReadonlyMap<string, StageVerdict>,
  finalists: number,
): Promise<TuneOutcome> {
  const { o, record, metric } = t;
  if (decision.kind === 'budget') {
    return {
      kind: 'budget',
      runs: record.runs.length,
      message: `the budget ran out before a decision (${record.runs.length} runs); rerun the same command to resume, or give a larger --budget`,
    };
  }
  if (decision.kind === 'equal') {
    const skipped = record.skipped ?? [];
    return {
      kind: 'equal',
      skipped,
      message: skipped.length
        ? `${decision.message}; the budget left out ${skipped.join(', ')} (a larger --budget measures them)`
        : decision.message,
    };
  }
  const w = decision.winner;
  const winnerArm = summaries.find((a) => a.id === w)!;
  const baseArm = summaries.find((a) => a.id === 'base')!;
  const verdict = all.get(w)!;
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
    ...changeEntries(decision.changes),
  };
  let written: string | undefined;
  if (!o.dryRun && o.config.path) {
    await writeVariant(o.config.path, variant);
    written = o.config.path;
  }
  return {
    kind: 'winner',
    winner: w,
    changes: decision.changes,
    variant,
    ...(written ? { written } : {}),
    message: `${w} beats ${o.base} (${o.goal}${o.goal === 'speed' && metric.kind !== 'wall' ? `, ${metricLabel(metric)}` : ''}: median ${Math.abs((1 - verdict.ratio) * 100).toFixed(1)}% ${verdict.ratio < 1 ? 'lower' : 'higher'}, one-sided rank test p = ${verdict.p.toFixed(4)} in the confirmation rounds, significant after Holm over ${finalists} finalist(s))`,
  };
}

/** report: table.txt and chart.svg from the record's runs; returns the table. */
function report(
  t: Tune,
  summaries: readonly ArmSummary[],
  all: ReadonlyMap<string, StageVerdict>,
  outcome: TuneOutcome,
): string {
  const { o, metric } = t;
  const winner = outcome.kind === 'winner' ? outcome.winner : undefined;
  const table = formatTable([...summaries], new Map(all), winner, metric);
  const yName = metric.kind === 'wall' ? 'wall time' : metric.kind === 'cpu' ? 'CPU time' : metric.name;
  writeFileSync(join(t.outDir, 'table.txt'), `${table}\n`);
  writeFileSync(
    join(t.outDir, 'chart.svg'),
    tuneChartSvg(chartPoints([...summaries], winner), {
      title: `hakmem tune --goal ${o.goal}: ${yName} against peak RSS`,
      y: { name: yName, ...(metric.kind === 'regex' ? {} : { unit: 's' }), higherIsBetter: metric.higherIsBetter },
      subtitle: `${[o.command, ...o.args].join(' ').slice(0, 100)} · medians with min–max of each arm's runs · ${new Date().toISOString().slice(0, 10)}`,
    }),
  );
  return table;
}

/** Runs a tune: start, probe, plan, screen, confirm, write, report; each stage goes on from the
 * record (tune.json), which is rewritten after every run. */
export function runTune(o: TuneOptions): Promise<TuneResult> {
  return runTuneWith(o, {});
}

/** runTune with test hooks (not exported by the package). */
export async function runTuneWith(o: TuneOptions, hooks: TuneHooks): Promise<TuneResult> {
  const t = await start(o, hooks);
  const { record } = t;
  // the budget is this invocation's; the record keeps the time of all of them
  const before = record.seconds;
  const persist = () => save(t, before + elapsed(t));

  await probe(t, persist);
  if (record.shape) for (const l of describeShape(record.shape)) t.log(`workload: ${l}`);
  await plan(t, persist);
  const screenV = await screen(t, persist);
  const all = new Map<string, StageVerdict>(screenV.map((v) => [v.arm, { ...v, stage: 'screen' }]));
  const { decision, confirmV } = await confirm(t, screenV, all, persist);

  const order = (a: ArmSummary) => (a.kind === 'base' ? 0 : a.kind === 'candidate' ? 1 : 2);
  const summaries = Object.keys(record.arms)
    .map((id) => summarize(id, record.arms[id]!.kind, record.runs, t.metric))
    .sort((a, b) => order(a) - order(b));
  const outcome = await write(t, decision, summaries, all, confirmV.length);
  record.verdicts = [...all.values()];
  record.outcome = outcome;
  const table = report(t, summaries, all, outcome);
  persist();
  return {
    record,
    exit: outcome,
    outDir: t.outDir,
    table,
    files: [RECORD, 'table.txt', 'chart.svg'],
    ...(t.resumed !== undefined ? { resumedAt: t.resumed } : {}),
  };
}

/** The variant as it would be written (for --dry-run and the summary). */
export const variantSource = (v: NewVariant): string => renderVariant(v, '    ', '  ');
