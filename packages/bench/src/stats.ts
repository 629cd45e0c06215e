/** Pure statistics: medians, spreads and ratios to the best peer. */

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Median of finite values; NaN for an empty list. Even counts average the middle pair. */
export function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  if (v.length % 2 === 1) return v[mid] as number;
  return ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

/** Median with min..max of the finite values. */
export function spread(values: readonly number[]): Spread {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length };
}

/** Relative half-range of a spread, (max-min)/2/median, e.g. 0.03 for ±3 %. */
export function relativeSpread(s: Spread): number {
  if (!(s.median > 0)) return Number.NaN;
  return (s.max - s.min) / 2 / s.median;
}

export type Better = 'higher' | 'lower';

export interface Candidate {
  name: string;
  isPeer: boolean;
  value: number | null | undefined;
}

/** The best peer's name and value for one figure (higher or lower is better), or null. */
export function bestPeer(cands: readonly Candidate[], better: Better): { name: string; value: number } | null {
  let best: { name: string; value: number } | null = null;
  for (const c of cands) {
    if (!c.isPeer || c.value == null || !Number.isFinite(c.value) || c.value <= 0) continue;
    if (!best || (better === 'higher' ? c.value > best.value : c.value < best.value)) {
      best = { name: c.name, value: c.value };
    }
  }
  return best;
}

/** value / best, or null when either is missing. For throughput >1 is better; for RSS and instructions <1 is. */
export function ratio(value: number | null | undefined, best: number | null | undefined): number | null {
  if (value == null || best == null || !Number.isFinite(value) || !Number.isFinite(best) || best <= 0) return null;
  return value / best;
}

/** Exact instructions per op from two callgrind totals at N and 2N ops: (I(2N) - I(N)) / N. */
export function perOp(instrN: number, instr2N: number, n: number): number {
  return (instr2N - instrN) / n;
}
