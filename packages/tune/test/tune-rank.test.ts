import { describe, expect, it } from 'vitest';
import { holm, median, minPossibleP, rankTestLess, rankTestTwoSided, shiftRatio } from '../src/rank.js';

/** P(U ≥ u) by listing every way to split the pooled sample into n and m values. */
function bruteForceP(a: number[], b: number[]): number {
  const pooled = [...a, ...b];
  const n = a.length;
  const uOf = (xs: number[], ys: number[]) =>
    xs.reduce((acc, x) => acc + ys.reduce((s, y) => s + (x < y ? 1 : x === y ? 0.5 : 0), 0), 0);
  const uObs = uOf(a, b);
  let hits = 0;
  let all = 0;
  for (let mask = 0; mask < 1 << pooled.length; mask++) {
    let bits = 0;
    for (let k = mask; k; k &= k - 1) bits++;
    if (bits !== n) continue;
    const xs = pooled.filter((_, i) => mask & (1 << i));
    const ys = pooled.filter((_, i) => !(mask & (1 << i)));
    all++;
    if (uOf(xs, ys) >= uObs - 1e-9) hits++;
  }
  return hits / all;
}

describe('rankTestLess', () => {
  it('gives 1/252 for five values completely below five others', () => {
    const r = rankTestLess([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r).toMatchObject({ u: 25, n: 5, m: 5, exact: true });
    expect(r.p).toBeCloseTo(1 / 252, 12);
    expect(r.p).toBeCloseTo(minPossibleP(5, 5), 12);
    // the other way round, a is never lower: every arrangement has U ≥ 0
    expect(rankTestLess([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]).p).toBe(1);
  });

  it('matches hand-counted small cases', () => {
    // n = m = 2: U over the 6 splits is 0, 1, 2, 2, 3, 4
    expect(rankTestLess([1, 3], [2, 4])).toMatchObject({ u: 3 });
    expect(rankTestLess([1, 3], [2, 4]).p).toBeCloseTo(2 / 6, 12);
    // n = m = 3: counts of U = 0..9 over 20 splits are 1 1 2 3 3 3 3 2 1 1
    expect(rankTestLess([1, 2, 4], [3, 5, 6])).toMatchObject({ u: 8 });
    expect(rankTestLess([1, 2, 4], [3, 5, 6]).p).toBeCloseTo(2 / 20, 12);
    expect(rankTestLess([1, 4, 5], [2, 3, 6]).p).toBeCloseTo(10 / 20, 12); // u = 5: 3+3+2+1+1 = 10 of 20 have U ≥ 5
    // n = 1, m = 3: the single value's rank is uniform
    expect(rankTestLess([2.5], [1, 2, 3]).p).toBeCloseTo(3 / 4, 12);
  });

  it('counts ties exactly when the samples are small', () => {
    // 1, 2 | 2, 3: one tie across the samples; splits with U ≥ 3.5 are {1,2a} and {1,2b}
    const r = rankTestLess([1, 2], [2, 3]);
    expect(r).toMatchObject({ u: 3.5, exact: true });
    expect(r.p).toBeCloseTo(2 / 6, 12);
    // peak RSS repeating to the kilobyte within each variant: still the permutation bound, 1/252
    expect(rankTestLess([7, 7, 7, 7, 7], [9, 9, 9, 9, 9]).p).toBeCloseTo(1 / 252, 12);
    // where the tie-corrected normal approximation would claim more than five runs can show
    expect(rankTestLess([7, 7, 7, 7, 7], [9, 9, 9, 9, 9], 'normal').p).toBeLessThan(1 / 252);
    for (const [a, b] of [
      [
        [1, 2, 2, 3, 5],
        [2, 3, 3, 4],
      ],
      [
        [4, 4, 1, 6],
        [4, 2, 6, 6, 7, 4],
      ],
      [
        [3, 1, 2],
        [2, 2, 9, 1, 3],
      ],
    ] as [number[], number[]][]) {
      expect(rankTestLess(a, b).p).toBeCloseTo(bruteForceP(a, b), 12);
      expect(rankTestLess(b, a).p).toBeCloseTo(bruteForceP(b, a), 12);
    }
  });

  it('finds no evidence in identical samples', () => {
    const same = [1.02, 1.05, 0.99, 1.01, 1.03];
    const r = rankTestLess(same, same);
    expect(r.u).toBe(12.5);
    expect(r.p).toBeGreaterThan(0.5);
    expect(r.p).toBeLessThanOrEqual(1);
    expect(rankTestLess([3, 3, 3], [3, 3, 3]).p).toBeCloseTo(1, 12);
    expect(rankTestLess([3, 3, 3], [3, 3, 3], 'normal').p).toBe(1);
    expect(rankTestTwoSided(same, same).p).toBe(1);
  });

  it('agrees with the normal approximation at 12 and 12', () => {
    // interleaved so that p lands mid-range, where the approximation is judged
    const a = [1, 2, 4, 5, 7, 9, 10, 13, 15, 16, 19, 22];
    const b = [3, 6, 8, 11, 12, 14, 17, 18, 20, 21, 23, 24];
    const exact = rankTestLess(a, b, 'exact');
    const normal = rankTestLess(a, b, 'normal');
    expect(exact.exact).toBe(true);
    expect(normal.exact).toBe(false);
    expect(exact.u).toBe(normal.u);
    expect(exact.p).toBeGreaterThan(0.01);
    expect(exact.p).toBeLessThan(0.2);
    expect(Math.abs(normal.p - exact.p)).toBeLessThan(0.005);
    expect(rankTestLess(a, b)).toEqual(exact); // auto picks exact at this size
    // in the far tail the approximation overstates p (1.8e-5 against 3.7e-7): conservative there
    const lo = Array.from({ length: 12 }, (_, i) => i);
    const hi = lo.map((v) => v + 100);
    expect(rankTestLess(lo, hi).p).toBeCloseTo(minPossibleP(12, 12), 15);
    expect(rankTestLess(lo, hi, 'normal').p).toBeGreaterThan(rankTestLess(lo, hi).p);
    expect(rankTestLess(lo, hi, 'normal').p).toBeLessThan(1e-4);
  });

  it('uses the normal approximation with tie correction beyond 30 values', () => {
    const a = Array.from({ length: 40 }, (_, i) => Math.floor(i / 4));
    const b = a.map((v) => v + 2);
    const r = rankTestLess(a, b);
    expect(r).toMatchObject({ n: 40, m: 40, exact: false });
    expect(r.p).toBeGreaterThan(0);
    expect(r.p).toBeLessThan(0.01);
    expect(rankTestLess(b, a).p).toBeGreaterThan(0.99);
  });

  it('gives p = 1 for an empty side and drops non-finite values', () => {
    expect(rankTestLess([], [1, 2, 3])).toMatchObject({ p: 1, n: 0, m: 3 });
    expect(rankTestLess([1, 2], [])).toMatchObject({ p: 1, n: 2, m: 0 });
    expect(rankTestTwoSided([], []).p).toBe(1);
    expect(rankTestLess([Number.NaN, 1, 2], [3, Number.POSITIVE_INFINITY, 4])).toEqual(rankTestLess([1, 2], [3, 4]));
  });

  it('two-sided doubles the smaller tail', () => {
    const a = [1, 2, 3, 4, 5];
    const b = [6, 7, 8, 9, 10];
    expect(rankTestTwoSided(a, b).p).toBeCloseTo(2 / 252, 12);
    expect(rankTestTwoSided(b, a).p).toBeCloseTo(2 / 252, 12);
    expect(rankTestTwoSided(b, a).u).toBe(0);
    expect(rankTestTwoSided([1, 3], [2, 4]).p).toBeCloseTo(4 / 6, 12);
  });
});

describe('holm', () => {
  it('steps down through the sorted p-values', () => {
    // Holm (1979)-style example: 0.005 ≤ 0.05/4, 0.01 ≤ 0.05/3, 0.03 > 0.05/2 stops
    expect(holm([0.01, 0.04, 0.03, 0.005], 0.05)).toEqual([true, false, false, true]);
    expect(holm([0.01, 0.02, 0.03, 0.04], 0.05)).toEqual([true, false, false, false]);
    expect(holm([0.001, 0.01, 0.02, 0.04], 0.05)).toEqual([true, true, true, true]);
    // a small p after a failure is not rejected
    expect(holm([0.2, 0.6], 0.05)).toEqual([false, false]);
    expect(holm([], 0.05)).toEqual([]);
    expect(holm([Number.NaN, 0.001], 0.05)).toEqual([false, true]);
    expect(holm([0.02, 0.02], 0.05)).toEqual([true, true]);
  });
});

describe('median, shiftRatio and minPossibleP', () => {
  it('median of finite values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it('shiftRatio is the median of the pairwise ratios', () => {
    expect(shiftRatio([9, 10, 11], [9, 10, 11])).toBe(1);
    // 12 ratios; the outlier's three sit at the bottom, the middle pair is 100/120 and 90/100
    expect(shiftRatio([90, 100, 110], [100, 110, 120, 1e6])).toBeCloseTo((100 / 120 + 90 / 100) / 2, 12);
    // ratios 1/2, 1/4, 3/2, 3/4: median of 0.25 0.5 0.75 1.5 is 0.625
    expect(shiftRatio([1, 3], [2, 4])).toBeCloseTo(0.625, 12);
    // a 5 % slower variant, however the runs scatter
    const base = [1.0, 1.1, 0.95, 1.05, 1.02];
    expect(
      shiftRatio(
        base.map((v) => v * 1.05),
        base,
      ),
    ).toBeCloseTo(1.05, 1);
    expect(shiftRatio([], [1])).toBeNaN();
    expect(shiftRatio([1, 2], [0, Number.NaN])).toBeNaN();
  });

  it('minPossibleP is 1 / C(n+m, n)', () => {
    expect(minPossibleP(5, 5)).toBeCloseTo(1 / 252, 15);
    expect(minPossibleP(3, 3)).toBeCloseTo(1 / 20, 15);
    expect(minPossibleP(1, 1)).toBe(0.5);
    expect(minPossibleP(0, 5)).toBe(1);
    expect(minPossibleP(30, 30)).toBeCloseTo(1 / Number(118264581564861424n), 30);
  });
});
