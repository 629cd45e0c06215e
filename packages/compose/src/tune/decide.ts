/**
 * How `hakmem tune` decides, from the runs alone (pure, so the tests can feed it figures).
 *
 * Screening: every candidate's runs against the base's in the same rounds, a one-sided
 * Mann–Whitney rank test of the goal's figure; a candidate with p < ALPHA whose median is
 * better goes on. Confirmation: the best two of those and their combination run again, in fresh
 * rounds with the base, and only those runs decide: Holm's correction over the finalists keeps
 * the family-wise error under ALPHA. Both stages also ask for a median at least MIN_EFFECT
 * better: a significant 0.1% is not worth a variant. Among the confirmed, those not
 * worse than the best by MIN_EFFECT or by the rank test are equal to it: the one with the
 * fewest changes wins, then the one better on the other figure (RSS for speed, time
 * otherwise), then the best median.
 */
import { holm, median, rankTestLess } from './rank.js';
import type { Goal } from './candidates.js';
import type { RunSample } from './measure.js';

export const ALPHA = 0.05;
/** The smallest improvement of the median that counts (1%). */
export const MIN_EFFECT = 0.01;
/** A memory winner may not be slower than the base by more than this (median wall time). */
export const MEMORY_SLOWDOWN = 1.25;

/** The goal's figure of each run (lower is better): wall seconds, peak RSS, or for balanced the
 * product of both as fractions of the base's medians. */
export function figures(goal: Goal, runs: readonly RunSample[], base: readonly RunSample[]): number[] {
  const ok = runs.filter((r) => r.ok);
  if (goal === 'speed') return ok.map((r) => r.wall);
  if (goal === 'memory') return ok.map((r) => r.rssKb);
  const w = median(base.filter((r) => r.ok).map((r) => r.wall));
  const m = median(base.filter((r) => r.ok).map((r) => r.rssKb));
  return ok.map((r) => (r.wall / w) * (r.rssKb / m));
}

export interface Verdict {
  readonly arm: string;
  /** Median of the goal's figure, and as a fraction of the base's. */
  readonly median: number;
  readonly ratio: number;
  readonly p: number;
  readonly n: number;
  /** Better than the base beyond the spread (screening: p < ALPHA; confirmation: after Holm). */
  readonly better: boolean;
  /** Why it is out, when it is (failed runs, too slow for a memory goal). */
  readonly excluded?: string;
}

/** Each candidate against the base on the runs given (one stage's). */
export function verdicts(
  goal: Goal,
  runs: readonly RunSample[],
  baseId: string,
  candidates: readonly string[],
  opts: { holm?: boolean } = {},
): Verdict[] {
  const of = (id: string) => runs.filter((r) => r.arm === id);
  const base = of(baseId);
  const baseFig = figures(goal, base, base);
  const baseMed = median(baseFig);
  const baseWall = median(base.filter((r) => r.ok).map((r) => r.wall));
  const out = candidates.map((id): Verdict => {
    const mine = of(id);
    const fig = figures(goal, mine, base);
    const med = median(fig);
    const t = rankTestLess(fig, baseFig);
    const failed = mine.find((r) => !r.ok);
    const wall = median(mine.filter((r) => r.ok).map((r) => r.wall));
    const excluded = failed
      ? `a run failed: ${failed.error?.split('\n')[0] ?? 'unknown'}`
      : goal === 'memory' && wall > baseWall * MEMORY_SLOWDOWN
        ? `${((wall / baseWall - 1) * 100).toFixed(0)}% slower than the base (a memory winner may cost at most ${((MEMORY_SLOWDOWN - 1) * 100).toFixed(0)}%)`
        : undefined;
    return {
      arm: id,
      median: med,
      ratio: med / baseMed,
      p: t.p,
      n: fig.length,
      better: !excluded && fig.length > 0 && med <= baseMed * (1 - MIN_EFFECT) && t.p < ALPHA,
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

/** Screening survivors, best median first. */
export const promising = (vs: readonly Verdict[]): Verdict[] =>
  vs.filter((v) => v.better).sort((a, b) => a.median - b.median);

/** The winner among confirmed finalists (see the head of this file). */
export function pickWinner(
  goal: Goal,
  runs: readonly RunSample[],
  baseId: string,
  confirmed: readonly Verdict[],
  changesOf: (id: string) => number,
): Verdict | undefined {
  const ok = confirmed.filter((v) => v.better).sort((a, b) => a.median - b.median);
  const best = ok[0];
  if (!best) return undefined;
  const base = runs.filter((r) => r.arm === baseId);
  const mine = (id: string) => runs.filter((r) => r.arm === id);
  const fig = (id: string) => figures(goal, mine(id), base);
  const other = (id: string) =>
    median(
      mine(id)
        .filter((r) => r.ok)
        .map((r) => (goal === 'speed' ? r.rssKb : r.wall)),
    );
  const equal = ok.filter(
    (v) => v.median <= best.median * (1 + MIN_EFFECT) || rankTestLess(fig(best.arm), fig(v.arm)).p >= ALPHA,
  );
  return equal.sort(
    (a, b) => changesOf(a.arm) - changesOf(b.arm) || other(a.arm) - other(b.arm) || a.median - b.median,
  )[0];
}
