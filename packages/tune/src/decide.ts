/**
 * How `hakmem tune` decides, from the runs alone (pure, so the tests can feed it figures).
 *
 * Screening: every candidate's runs against the base's in the same rounds, a one-sided
 * Mann–Whitney rank test of the goal's figure; a candidate with p < ALPHA that is better by the
 * ratio of the aligned medians goes on. The figures are aligned by round first (aligned ranks):
 * each run's log figure less the median log figure of its round's runs, every arm's. A round
 * runs every arm one after the other, so what moves the whole machine between rounds (a VM
 * whose two CPUs share a cache for a while and then do not: 3x on a cross-thread workload,
 * here) moves a round's runs together and drops out, while a difference between the arms
 * stays. Where every run is of one round the alignment is a constant shift and changes
 * nothing. Confirmation: the best two of those and their combination run again, in fresh
 * rounds with the base, and only those runs decide: Holm's correction over the finalists keeps
 * the family-wise error under ALPHA. Both stages also ask for a median at least MIN_EFFECT
 * better: a significant 0.1% is not worth a variant. Among the confirmed, those not
 * worse than the best by MIN_EFFECT or by the rank test are equal to it: the one with the
 * fewest changes wins, then the one better on the other figure (RSS for speed, the metric
 * otherwise), then the best ratio. Best, close and the last tie-break compare the aligned ratios:
 * raw medians can mix the machine's modes where arms ran in different rounds.
 *
 * The goal's figure under --goal speed is the metric (metric.ts): wall seconds by default, CPU
 * seconds, or a figure the command prints, which may be higher-is-better (ops/s); every
 * comparison then goes the other way.
 */
import { holm, median, minPossibleP, rankTestLess } from './rank.js';
import type { Goal } from './candidates.js';
import type { RunSample } from './measure.js';
import { type Metric, metricValue } from './metric.js';

export const ALPHA = 0.05;
/** The smallest improvement of the median that counts (1%). */
export const MIN_EFFECT = 0.01;
/** A memory winner may not be slower than the base by more than this (median wall time). */
export const MEMORY_SLOWDOWN = 1.25;

/** What the runs are ranked by, and which way is better: --metric (metric.ts); wall seconds by default. */
export type MetricLike = Pick<Metric, 'kind' | 'higherIsBetter'>;
const WALL_TIME: MetricLike = { kind: 'wall', higherIsBetter: false };

/** Does a higher figure of the goal win? Only speed under a higher-is-better metric: memory is
 * peak RSS, balanced a product of fractions of the base (both lower-is-better). */
export const higherWins = (goal: Goal, metric: MetricLike = WALL_TIME): boolean =>
  goal === 'speed' && metric.higherIsBetter;

/** The goal's figure of each ok run: the metric (wall seconds by default), peak RSS, or for
 * balanced the product of both as fractions of the base's medians, where a higher-is-better
 * metric enters as base / run so the product stays lower-is-better. */
export function figures(
  goal: Goal,
  runs: readonly RunSample[],
  base: readonly RunSample[],
  metric: MetricLike = WALL_TIME,
): number[] {
  const ok = runs.filter((r) => r.ok);
  if (goal === 'speed') return ok.map((r) => metricValue(metric, r));
  if (goal === 'memory') return ok.map((r) => r.rssKb);
  const w = median(base.filter((r) => r.ok).map((r) => metricValue(metric, r)));
  const m = median(base.filter((r) => r.ok).map((r) => r.rssKb));
  const t = (r: RunSample) => (metric.higherIsBetter ? w / metricValue(metric, r) : metricValue(metric, r) / w);
  return ok.map((r) => t(r) * (r.rssKb / m));
}

const push = <K>(m: Map<K, number[]>, k: K, v: number) => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

/** Each arm's aligned figures; `logs` false where they are the raw figures. */
export interface Aligned {
  readonly byArm: Map<string, number[]>;
  readonly logs: boolean;
}

/**
 * The goal's figure of each ok run, by arm, as its log less the median log figure of its
 * round's ok runs of every arm in `runs`: the round's level drops out. The raw figures where
 * one is not positive (a log needs it).
 */
export function alignedFigures(
  goal: Goal,
  runs: readonly RunSample[],
  baseId: string,
  metric: MetricLike = WALL_TIME,
): Aligned {
  const base = runs.filter((r) => r.arm === baseId);
  const ok = runs.filter((r) => r.ok);
  const fig = figures(goal, ok, base, metric);
  const out = new Map<string, number[]>();
  const positive = fig.every((f) => f > 0 && Number.isFinite(f));
  const level = new Map<number, number>();
  if (positive) {
    const byRound = new Map<number, number[]>();
    ok.forEach((r, i) => push(byRound, r.round, Math.log(fig[i] as number)));
    for (const [round, logs] of byRound) level.set(round, median(logs));
  }
  ok.forEach((r, i) => {
    const f = fig[i] as number;
    push(out, r.arm, positive ? Math.log(f) - (level.get(r.round) as number) : f);
  });
  return { byArm: out, logs: positive };
}

/** The arm's figure as a fraction of the base's: exp of the difference of the aligned medians,
 * round levels taken out; the ratio of the raw medians where the figures were not aligned. */
function alignedRatio(a: Aligned, id: string, baseId: string): number {
  const mine = a.byArm.get(id) ?? [];
  const base = a.byArm.get(baseId) ?? [];
  return a.logs ? Math.exp(median(mine) - median(base)) : median(mine) / median(base);
}

/** a better than b by at least MIN_EFFECT of b (in the direction that wins). */
const beats = (a: number, b: number, higher: boolean): boolean =>
  higher ? a >= b + MIN_EFFECT * Math.abs(b) : a <= b - MIN_EFFECT * Math.abs(b);

/** One-sided rank test: do the values of a tend to be better than those of b? */
const rankBetter = (a: readonly number[], b: readonly number[], higher: boolean) =>
  higher ? rankTestLess(b, a) : rankTestLess(a, b);

export interface Verdict {
  readonly arm: string;
  /** Median of the goal's figure (raw), and the figure as a fraction of the base's with the
   * rounds' levels taken out (alignedFigures; above 1 is better where higher wins). */
  readonly median: number;
  readonly ratio: number;
  readonly p: number;
  readonly n: number;
  /** Better than the base beyond the spread (screening: p < ALPHA; confirmation: after Holm). */
  readonly better: boolean;
  /** Why it is out, when it is (failed runs, too slow for a memory goal: worse on the metric). */
  readonly excluded?: string;
}

/** Each candidate against the base on the runs given (one stage's). */
export function verdicts(
  goal: Goal,
  runs: readonly RunSample[],
  baseId: string,
  candidates: readonly string[],
  opts: { holm?: boolean; metric?: MetricLike } = {},
): Verdict[] {
  const metric = opts.metric ?? WALL_TIME;
  const higher = higherWins(goal, metric);
  const of = (id: string) => runs.filter((r) => r.arm === id);
  const base = of(baseId);
  const speedOf = (rs: readonly RunSample[]) => median(rs.filter((r) => r.ok).map((r) => metricValue(metric, r)));
  const baseSpeed = speedOf(base);
  const aligned = alignedFigures(goal, runs, baseId, metric);
  const baseAligned = aligned.byArm.get(baseId) ?? [];
  const out = candidates.map((id): Verdict => {
    const mine = of(id);
    const fig = figures(goal, mine, base, metric);
    const med = median(fig);
    const t = rankBetter(aligned.byArm.get(id) ?? [], baseAligned, higher);
    const ratio = alignedRatio(aligned, id, baseId);
    const failed = mine.find((r) => !r.ok);
    // a memory winner may cost the metric at most MEMORY_SLOWDOWN (as a factor either way)
    const cost = metric.higherIsBetter ? baseSpeed / speedOf(mine) : speedOf(mine) / baseSpeed;
    const excluded = failed
      ? `a run failed: ${failed.error?.split('\n')[0] ?? 'unknown'}`
      : goal === 'memory' && cost > MEMORY_SLOWDOWN
        ? `${((cost - 1) * 100).toFixed(0)}% ${metric.kind === 'regex' ? 'worse' : 'slower'} than the base (a memory winner may cost at most ${((MEMORY_SLOWDOWN - 1) * 100).toFixed(0)}%)`
        : undefined;
    return {
      arm: id,
      median: med,
      ratio,
      p: t.p,
      n: fig.length,
      better: !excluded && fig.length > 0 && beats(ratio, 1, higher) && t.p < ALPHA,
      ...(excluded ? { excluded } : {}),
    };
  });
  if (!opts.holm) return out;
  const rejected = holm(
    out.map((v) => v.p),
    ALPHA,
  );
  return out.map((v, i) => ({ ...v, better: v.better && rejected[i] === true }));
}

/** The better verdicts, best first by the round-aligned ratio (a raw median can mix the machine's
 * modes when arms ran in different rounds). */
export const promising = (vs: readonly Verdict[], higher = false): Verdict[] =>
  vs.filter((v) => v.better).sort((a, b) => (higher ? b.ratio - a.ratio : a.ratio - b.ratio));

/** The winner among confirmed finalists (see the head of this file). */
export function pickWinner(
  goal: Goal,
  runs: readonly RunSample[],
  baseId: string,
  confirmed: readonly Verdict[],
  changesOf: (id: string) => number,
  metric: MetricLike = WALL_TIME,
): Verdict | undefined {
  const higher = higherWins(goal, metric);
  const ok = promising(confirmed, higher);
  const best = ok[0];
  if (!best) return undefined;
  const mine = (id: string) => runs.filter((r) => r.arm === id);
  const aligned = alignedFigures(goal, runs, baseId, metric);
  const fig = (id: string) => aligned.byArm.get(id) ?? [];
  // the other figure, lower is better: RSS for speed, the metric otherwise
  const other = (id: string) =>
    median(
      mine(id)
        .filter((r) => r.ok)
        .map((r) => (goal === 'speed' ? r.rssKb : (metric.higherIsBetter ? -1 : 1) * metricValue(metric, r))),
    );
  // within 1% of the best by the aligned ratio
  const close = (v: Verdict) =>
    higher
      ? v.ratio >= best.ratio - MIN_EFFECT * Math.abs(best.ratio)
      : v.ratio <= best.ratio + MIN_EFFECT * Math.abs(best.ratio);
  const equal = ok.filter((v) => close(v) || rankBetter(fig(best.arm), fig(v.arm), higher).p >= ALPHA);
  return equal.sort(
    (a, b) =>
      changesOf(a.arm) - changesOf(b.arm) ||
      other(a.arm) - other(b.arm) ||
      (higher ? b.ratio - a.ratio : a.ratio - b.ratio),
  )[0];
}

/** The most finalists a confirmation has: the best two screening survivors and their combination. */
export const MAX_FINALISTS = 3;

/**
 * Can n runs of a candidate against n of the base be declared better at all, with `finalists`
 * comparisons under Holm? The exact rank test's smallest p, 1 / C(2n, n), must pass both the
 * verdict's p < alpha and the first Holm step's p ≤ alpha / finalists.
 */
export function canDecide(n: number, finalists = 1, alpha = ALPHA): boolean {
  const p = minPossibleP(n, n);
  return p < alpha && p <= alpha / Math.max(1, finalists);
}

/** The fewest rounds, at least `reps`, that can decide with `finalists` comparisons (3 → 4 at 0.05). */
export function roundsToDecide(reps: number, finalists = 1, alpha = ALPHA): number {
  let n = Math.max(1, Math.floor(reps));
  while (!canDecide(n, finalists, alpha)) n++;
  return n;
}
