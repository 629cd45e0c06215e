/**
 * Rank statistics for `hakmem tune`: does one variant's sample of run times (or peak RSS) sit
 * lower than another's by more than the run-to-run spread? Pure.
 */
import { median } from '@hakmem/bench';

export interface RankTest {
  /** pairs (x in a, y in b) with x < y, plus half the pairs with x = y */
  u: number;
  /** the p-value, in [0, 1] */
  p: number;
  /** how many finite values of a and of b were used */
  n: number;
  m: number;
  /** true when p comes from the exact permutation distribution, false when from the normal approximation */
  exact: boolean;
}

/**
 * 'auto': exact up to EXACT_MAX values a side, normal beyond. The others force one (tests,
 * studies); forced exact counting costs about n²·(n+m)² steps.
 */
export type RankMethod = 'auto' | 'exact' | 'normal';

/** Up to this many values a side the null distribution is counted exactly: some ten milliseconds at 30 and 30. */
export const EXACT_MAX = 30;

/** A run of equal values in the pooled, sorted sample: its size, how many came from a, its doubled mid-rank. */
interface TieGroup {
  size: number;
  inA: number;
  rank2: number;
}

/**
 * Mann–Whitney U test, one-sided; H1: values in `a` tend to be smaller than in `b` (a is better
 * when lower is better). Non-finite values (failed runs) are dropped. Exact when both sides have
 * at most EXACT_MAX values: the permutation distribution of a's rank sum, counted by dynamic
 * programming over the groups of equal values, so ties are exact too (peak RSS often repeats to
 * the kilobyte, where the normal approximation would be anti-conservative at small n). Beyond
 * that, the normal approximation with tie and continuity corrections. An empty side gives p = 1.
 */
export function rankTestLess(a: readonly number[], b: readonly number[], method: RankMethod = 'auto'): RankTest {
  const xs = a.filter(Number.isFinite);
  const ys = b.filter(Number.isFinite);
  const n = xs.length;
  const m = ys.length;
  if (n === 0 || m === 0) return { u: 0, p: 1, n, m, exact: true };
  const groups = tieGroups(xs, ys);
  // U = n·m + n(n+1)/2 − R_a: a large U (a lower) is a small rank sum of a
  let s2 = 0;
  for (const g of groups) s2 += g.inA * g.rank2;
  const u = n * m + (n * (n + 1)) / 2 - s2 / 2;
  const exact = method === 'exact' || (method === 'auto' && n <= EXACT_MAX && m <= EXACT_MAX);
  const p = exact ? exactLowerTail(groups, n, s2) : normalUpperTail(u, n, m, groups);
  return { u, p: clamp01(p), n, m, exact };
}

/** Two-sided: min(1, 2 · the smaller one-sided p). u, n and m are those of rankTestLess(a, b). */
export function rankTestTwoSided(a: readonly number[], b: readonly number[], method: RankMethod = 'auto'): RankTest {
  const less = rankTestLess(a, b, method);
  const more = rankTestLess(b, a, method);
  return { ...less, p: Math.min(1, 2 * Math.min(less.p, more.p)) };
}

/**
 * Holm–Bonferroni: which hypotheses are rejected at family-wise error rate alpha, in input order.
 * The k-th smallest p (from 0) is tested against alpha / (count − k), stopping at the first that
 * fails. A NaN p is never rejected.
 */
export function holm(p: readonly number[], alpha: number): boolean[] {
  const order = p
    .map((v, i) => ({ v: Number.isNaN(v) ? Number.POSITIVE_INFINITY : v, i }))
    .sort((x, y) => x.v - y.v || x.i - y.i);
  const out = p.map(() => false);
  for (let k = 0; k < order.length; k++) {
    const { v, i } = order[k] as { v: number; i: number };
    if (!(v <= alpha / (order.length - k))) break;
    out[i] = true;
  }
  return out;
}

/** Median of the finite values (NaN when there are none): the bench's. */
export { median };

/**
 * Hodges–Lehmann estimate of how a compares with b, as a ratio: the median over all pairs of x / y
 * (0.95 = a about 5 % lower). Only positive finite values count (times and sizes); NaN when a side
 * has none. Unlike the ratio of medians it uses every run, so one outlier moves it little.
 */
export function shiftRatio(a: readonly number[], b: readonly number[]): number {
  const pos = (v: number) => Number.isFinite(v) && v > 0;
  const xs = a.filter(pos);
  const ys = b.filter(pos);
  return median(xs.flatMap((x) => ys.map((y) => x / y)));
}

/**
 * The smallest one-sided p the exact test can give with n and m values, 1 / C(n+m, n) (complete
 * separation): a decision at level alpha needs at least enough runs to bring this under alpha
 * (divided by the number of comparisons, under Holm). 5 and 5 give 1/252.
 */
export function minPossibleP(n: number, m: number): number {
  const nn = Math.floor(n);
  const mm = Math.floor(m);
  if (!(nn > 0 && mm > 0)) return 1;
  return 1 / binomial(nn + mm, nn);
}

/** C(n, k) as a float (exact up to 2^53; relative error ~1e-16 beyond). */
function binomial(n: number, k: number): number {
  const kk = Math.min(k, n - k);
  if (kk < 0) return 0;
  let r = 1;
  // each partial product is C(n-kk+i, i), an integer
  for (let i = 1; i <= kk; i++) r = (r * (n - kk + i)) / i;
  return r;
}

/** The pooled sample sorted into runs of equal values, with the doubled mid-rank of each run (an integer). */
function tieGroups(xs: readonly number[], ys: readonly number[]): TieGroup[] {
  const pooled = [...xs.map((v) => ({ v, a: 1 })), ...ys.map((v) => ({ v, a: 0 }))].sort((p, q) => p.v - q.v);
  const groups: TieGroup[] = [];
  for (let i = 0; i < pooled.length; ) {
    const v = pooled[i]?.v;
    let j = i;
    let inA = 0;
    for (; j < pooled.length && pooled[j]?.v === v; j++) inA += pooled[j]?.a ?? 0;
    // ranks i+1 .. j (1-based); doubled mid-rank = (i+1) + j
    groups.push({ size: j - i, inA, rank2: i + 1 + j });
    i = j;
  }
  return groups;
}

/**
 * P(doubled rank sum of a ≤ s2Obs) over all C(N, n) equally likely ways to draw a's n values from
 * the pooled sample, ties kept together. Above the mean the complement is counted instead, from
 * the other end with ranks reversed: the table only spans sums up to the limit, so it stays at
 * most half the full range.
 */
function exactLowerTail(groups: readonly TieGroup[], n: number, s2Obs: number): number {
  const total = groups.reduce((acc, g) => acc + g.size, 0);
  const mean2 = n * (total + 1);
  if (s2Obs <= mean2) return countLowerTail(groups, n, total, s2Obs);
  // S > s2Obs exactly when the reversed sum 2·mean2 − S < 2·mean2 − s2Obs
  const reversed = groups.map((g) => ({ ...g, rank2: 2 * (total + 1) - g.rank2 })).reverse();
  return 1 - countLowerTail(reversed, n, total, 2 * mean2 - s2Obs - 1);
}

/**
 * Counts the draws with doubled rank sum ≤ limit, groups in ascending rank order: a group of size
 * t gives k of its values to a in C(t, k) ways, each adding k times its doubled mid-rank. A state
 * is dropped once even the smallest ranks still to come would take it past the limit.
 */
function countLowerTail(groups: readonly TieGroup[], n: number, total: number, limit: number): number {
  if (limit < 0) return 0;
  const w = limit + 1;
  // ways[c * w + s]: ways to give c values to a, with doubled rank sum s, from the groups so far
  let ways = new Float64Array((n + 1) * w);
  let next = new Float64Array((n + 1) * w);
  ways[0] = 1;
  let seen = 0;
  for (const g of groups) {
    next.fill(0);
    const after = seen + g.size;
    const choose = Array.from({ length: g.size + 1 }, (_, k) => binomial(g.size, k));
    for (let c = 0; c <= n; c++) {
      // c values hold ranks of at least 1..c: doubled sum c(c+1)
      for (let s = c * (c + 1); s < w; s++) {
        const here = ways[c * w + s] as number;
        if (here === 0) continue;
        for (let k = 0; k <= g.size && c + k <= n; k++) {
          const s2 = s + k * g.rank2;
          const need = n - c - k;
          // the values still needed take at least ranks after+1 .. after+need
          if (need > total - after || s2 + 2 * need * after + need * (need + 1) > limit) continue;
          next[(c + k) * w + s2] = (next[(c + k) * w + s2] as number) + here * (choose[k] as number);
        }
      }
    }
    [ways, next] = [next, ways];
    seen = after;
  }
  let tail = 0;
  for (let s = 0; s < w; s++) tail += ways[n * w + s] as number;
  return tail / binomial(total, n);
}

/** P(U ≥ u) by the normal approximation: variance corrected for ties, 0.5 continuity correction. */
function normalUpperTail(u: number, n: number, m: number, groups: readonly TieGroup[]): number {
  const total = n + m;
  const ties = groups.reduce((acc, g) => acc + g.size ** 3 - g.size, 0);
  const variance = ((n * m) / 12) * (total + 1 - ties / (total * (total - 1)));
  // every value equal: no evidence either way
  if (!(variance > 0)) return 1;
  const z = (u - (n * m) / 2 - 0.5) / Math.sqrt(variance);
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes' erfcc: relative error under 1.2e-7 everywhere). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

const clamp01 = (p: number) => Math.min(1, Math.max(0, p));
