// hakmem tune --metric: the option's parsing, the figure read from a run's output, ranking in
// the metric's direction, the report naming it, and the rounds that can pass the rank test.
import { describe, expect, it } from 'vitest';
import { paretoFront, tuneChartSvg, type ChartPoint } from '../src/chart.js';
import { ALPHA, canDecide, MAX_FINALISTS, pickWinner, promising, roundsToDecide, verdicts } from '../src/decide.js';
import type { RunSample } from '../src/measure.js';
import { CPU, figureOf, metricLabel, metricName, metricValue, parseFigure, parseMetric, WALL } from '../src/metric.js';
import { minPossibleP } from '../src/rank.js';
import { chartPoints, formatTable, summarize, winnerDescription } from '../src/report.js';

const OPS = parseMetric('ops/s: ([0-9.]+)', true);

const run = (arm: string, figure: number, wall = 2.01, rssKb = 10_000): RunSample => ({
  arm,
  stage: 's',
  round: 0,
  ok: true,
  wall,
  cpu: wall * 2,
  rssKb,
  faults: 0,
  figure,
});
const many = (arm: string, figs: number[], rss?: number[]) => figs.map((f, i) => run(arm, f, 2.01, rss?.[i]));

describe('parseMetric', () => {
  it('wall by default and cpu are lower-is-better; --lower-is-better is allowed, --higher-is-better refused', () => {
    expect(parseMetric(undefined)).toEqual(WALL);
    expect(parseMetric('wall')).toEqual(WALL);
    expect(parseMetric('cpu')).toEqual(CPU);
    expect(parseMetric('cpu', false, true)).toEqual(CPU);
    expect(() => parseMetric('cpu', true)).toThrow(
      /--metric cpu is CPU seconds, lower is better: drop --higher-is-better/,
    );
    expect(() => parseMetric(undefined, true)).toThrow(/--metric wall/);
    expect(metricLabel(CPU)).toBe('CPU seconds (lower is better)');
    expect(metricLabel(WALL)).toBe('wall seconds (lower is better)');
  });
  it('a regular expression needs a capture group and a direction, and not both directions', () => {
    expect(OPS).toEqual({ kind: 'regex', regex: 'ops/s: ([0-9.]+)', higherIsBetter: true, name: 'ops/s' });
    expect(metricLabel(OPS)).toBe('ops/s (higher is better)');
    expect(parseMetric('latency p99: ([0-9.]+) us', false, true)).toMatchObject({
      higherIsBetter: false,
      name: 'latency p99',
    });
    expect(() => parseMetric('ops/s: ([0-9.]+)')).toThrow(/--higher-is-better or --lower-is-better/);
    expect(() => parseMetric('ops/s: ([0-9.]+)', true, true)).toThrow(/contradict/);
    expect(() => parseMetric('cpu', true, true)).toThrow(/contradict/);
    expect(() => parseMetric('ops/s: [0-9.]+', true)).toThrow(/no capture group/);
    expect(() => parseMetric('ops/s: (?:[0-9.]+)', true)).toThrow(/no capture group/);
    expect(() => parseMetric('ops/s: ([0-9.]+', true)).toThrow(/not a valid regular expression/);
    expect(() => parseMetric('', true)).toThrow(/wall, cpu or a regular expression/);
    expect(parseMetric('x=(?<v>\\d+)', true).kind).toBe('regex');
  });
  it('names the figure from the literal text around the first capture group', () => {
    expect(metricName('ops/s: ([0-9.]+)')).toBe('ops/s');
    expect(metricName('^throughput=(\\d+)')).toBe('throughput');
    expect(metricName('Requests per second:\\s+([0-9.]+)')).toBe('Requests per second');
    expect(metricName('([0-9.]+) req\\/s')).toBe('req/s');
    expect(metricName('bench \\(fast\\) [a-z]+ (\\d+) ops')).toBe('bench (fast)');
    expect(metricName('(?:a|b)(\\d+)')).toMatch(/^the figure of \/\(\?:a\|b\)\(\\d\+\)\/$/);
    expect(metricName('(\\d+)')).toBe('the figure of /(\\d+)/');
  });
});

describe('the figure of a run', () => {
  it('parses decimal, exponent and grouped numbers, nothing else', () => {
    expect(parseFigure('1234')).toBe(1234);
    expect(parseFigure(' 4.5e6 ')).toBe(4.5e6);
    expect(parseFigure('-0.25')).toBe(-0.25);
    expect(parseFigure('.5')).toBe(0.5);
    expect(parseFigure('1,234,567.8')).toBe(1234567.8);
    expect(parseFigure('1_000_000')).toBe(1e6);
    for (const bad of ['', 'abc', '1,23', '12,34,567', '1.2.3', '0x10', '1,000_000', 'NaN', 'Infinity', '.']) {
      expect(parseFigure(bad), bad).toBeNaN();
    }
  });
  it('the first match of the pattern, line-anchored; a miss names the pattern', () => {
    const out = 'warming up\nops/s: 1200\nops/s: 900\n';
    expect(figureOf(OPS, out)).toEqual({ value: 1200 });
    expect(figureOf(parseMetric('^ops/s: (\\d+)$', true), out)).toEqual({ value: 1200 });
    expect(figureOf(OPS, 'done\n')).toEqual({ error: 'its output did not match --metric /ops/s: ([0-9.]+)/' });
    expect(figureOf(parseMetric('ops/s: (\\S+)', true), 'ops/s: fast')).toEqual({
      error: "--metric /ops/s: (\\S+)/ captured 'fast', which is not a number",
    });
    // the first group that took part in the match
    expect(figureOf(parseMetric('a=(\\d+)|b=(\\d+)', true), 'b=7')).toEqual({ value: 7 });
  });
  it('a run figure by metric', () => {
    const r = run('x', 42, 2, 100);
    expect(metricValue(WALL, r)).toBe(2);
    expect(metricValue(CPU, r)).toBe(4);
    expect(metricValue(OPS, r)).toBe(42);
    expect(metricValue(OPS, { ...r, figure: undefined })).toBeNaN();
    expect(metricValue(WALL, { ...r, ok: false })).toBeNaN();
  });
});

describe('direction', () => {
  const base = many('base', [1000, 1010, 990, 1005, 995]);
  it('higher-is-better: a higher figure wins, a lower one does not, with the same p as the mirror image', () => {
    const runs = [
      ...base,
      ...many('more', [1500, 1510, 1490, 1505, 1495]),
      ...many('less', [600, 610, 590, 605, 595]),
      ...many('same', [1001, 999, 1003, 997, 1000]),
    ];
    const v = verdicts('speed', runs, 'base', ['more', 'less', 'same'], { metric: OPS });
    expect(v[0]).toMatchObject({ arm: 'more', better: true });
    expect(v[0]!.p).toBeCloseTo(1 / 252, 6);
    expect(v[0]!.ratio).toBeCloseTo(1.5, 2);
    expect(v[1]!.better).toBe(false);
    expect(v[1]!.p).toBeCloseTo(1, 6);
    expect(v[2]!.better).toBe(false);
    // lower-is-better on the same figures: the mirror image
    const low = verdicts('speed', runs, 'base', ['more', 'less'], {
      metric: parseMetric('ops/s: ([0-9.]+)', false, true),
    });
    expect(low.map((x) => x.better)).toEqual([false, true]);
    // and the wall times, 2.01 s in every run, tell nothing
    expect(verdicts('speed', runs, 'base', ['more', 'less']).map((x) => x.better)).toEqual([false, false]);
  });
  it('0.3% more is no improvement', () => {
    const tiny = many(
      'tiny',
      [1000, 1010, 990, 1005, 995].map((x) => x * 1.003),
    );
    expect(verdicts('speed', [...base, ...tiny], 'base', ['tiny'], { metric: OPS })[0]!.better).toBe(false);
  });
  it('survivors best first, and the winner the highest where higher wins', () => {
    const runs = [
      ...base,
      ...many('one', [1300, 1310, 1290, 1305, 1295]),
      ...many('two', [2000, 2010, 1990, 2005, 1995]),
    ];
    const v = verdicts('speed', runs, 'base', ['one', 'two'], { holm: true, metric: OPS });
    expect(promising(v, true).map((x) => x.arm)).toEqual(['two', 'one']);
    expect(pickWinner('speed', runs, 'base', v, () => 1, OPS)?.arm).toBe('two');
    // within 1% of each other: the one with fewer changes
    const close = [...base, ...many('a', [1500, 1500, 1500, 1500, 1500]), ...many('b', [1510, 1510, 1510, 1510, 1510])];
    const vc = verdicts('speed', close, 'base', ['a', 'b'], { holm: true, metric: OPS });
    expect(pickWinner('speed', close, 'base', vc, (id) => (id === 'b' ? 2 : 1), OPS)?.arm).toBe('a');
  });
  it('memory: the cost to a higher-is-better metric is a fall, not a rise', () => {
    const b = many('base', [1000, 1000, 1000, 1000, 1000], [900, 910, 905, 895, 900]);
    const lean = many('lean', [900, 900, 900, 900, 900], [500, 505, 510, 495, 500]);
    const slow = many('slow', [700, 700, 700, 700, 700], [400, 400, 400, 400, 400]);
    const v = verdicts('memory', [...b, ...lean, ...slow], 'base', ['lean', 'slow'], { metric: OPS });
    expect(v[0]!.better).toBe(true);
    expect(v[1]!.better).toBe(false);
    expect(v[1]!.excluded).toMatch(/43% worse than the base/);
  });
  it('balanced: a higher-is-better figure enters as base / run', () => {
    const b = many('base', [1000, 1000, 1000], [1000, 1000, 1000]);
    const v = verdicts('balanced', [...b, ...many('x', [2000, 2000, 2000], [1000, 1000, 1000])], 'base', ['x'], {
      metric: OPS,
    });
    expect(v[0]!.median).toBeCloseTo(0.5, 6);
  });
});

describe('rounds that can decide', () => {
  it('3 against 3 can never pass; 4 can, also under Holm over three finalists', () => {
    expect(minPossibleP(3, 3)).toBeCloseTo(0.05, 12);
    expect(canDecide(3)).toBe(false);
    expect(canDecide(4, MAX_FINALISTS)).toBe(true);
    expect(roundsToDecide(3)).toBe(4);
    expect(roundsToDecide(3, MAX_FINALISTS)).toBe(4);
    expect(roundsToDecide(1, MAX_FINALISTS)).toBe(4);
    expect(roundsToDecide(5, MAX_FINALISTS)).toBe(5);
    // a stricter level needs more: 1/252 > 0.01/3, 1/924 is not
    expect(roundsToDecide(3, 3, 0.01)).toBe(6);
    expect(roundsToDecide(3, 1, 0.01)).toBe(5);
  });
  it('is the smallest count at which complete separation passes verdicts with Holm', () => {
    for (const [reps, k] of [
      [3, 1],
      [3, 2],
      [3, 3],
      [4, 3],
    ] as const) {
      const n = roundsToDecide(reps, k);
      const passes = (rounds: number) => {
        const runs = [
          ...many(
            'base',
            Array.from({ length: rounds }, (_, i) => 100 + i),
          ),
        ];
        const ids = Array.from({ length: k }, (_, j) => `c${j}`);
        for (const id of ids)
          runs.push(
            ...many(
              id,
              Array.from({ length: rounds }, (_, i) => 200 + i),
            ),
          );
        return verdicts('speed', runs, 'base', ids, { holm: true, metric: OPS }).every((v) => v.better);
      };
      expect(passes(n), `${reps} reps, ${k} finalists`).toBe(true);
      if (n > reps) expect(passes(n - 1)).toBe(false);
    }
    expect(ALPHA).toBe(0.05);
  });
});

describe('the report names the metric', () => {
  const runs = [...many('base', [1000, 1010, 990]), ...many('remote=batched', [2000, 2020, 1980])];
  const arms = ['base', 'remote=batched'].map((id, i) => summarize(id, i ? 'candidate' : 'base', runs, OPS));
  it('table: the figure first, its direction above', () => {
    const t = formatTable(arms, new Map(), 'remote=batched', OPS);
    const [title, head] = t.split('\n');
    expect(title).toBe('ranked by ops/s (higher is better), from /ops/s: ([0-9.]+)/ in the output');
    expect(head).toMatch(/^\s+runs\s+ops\/s \(median, min–max\)\s+vs base\s+wall \(median, min–max\)/);
    expect(t).toMatch(/remote=batched\s+3\s+2k \(1\.98k–2\.02k\)\s+\+100\.0%/);
    const cpu = formatTable(
      ['base', 'remote=batched'].map((id, i) => summarize(id, i ? 'candidate' : 'base', runs, CPU)),
      new Map(),
      undefined,
      CPU,
    );
    expect(cpu.split('\n')[0]).toBe(
      'ranked by CPU seconds (lower is better): user + sys of the command and its children',
    );
    expect(cpu.split('\n')[1]).toMatch(/CPU \(median, min–max\)\s+vs base\s+wall\s+peak RSS/);
    // wall: the table as it always was
    expect(formatTable(arms, new Map(), undefined).split('\n')[0]).toMatch(/^\s+runs\s+wall \(median, min–max\)/);
  });
  it('description: the metric flags and its figures', () => {
    const d = winnerDescription({
      goal: 'speed',
      command: './handoff_timed 600',
      base: 'direct',
      winner: arms[1]!,
      baseArm: arms[0]!,
      verdict: { arm: 'remote=batched', median: 2000, ratio: 2, p: 0.004, n: 5, better: true },
      date: '2026-12-01',
      metric: OPS,
    });
    expect(d).toMatch(
      /^Tuned by `hakmem tune --goal speed --metric 'ops\/s: \(\[0-9.\]\+\)' --higher-is-better` on 2026-12-01 for `.\/handoff_timed 600`: ops\/s 2k vs 1k \(\+100\.0%, higher is better\), wall 2\.01 s vs 2\.01 s/,
    );
  });
  it('chart: the figure on the y axis, the front where higher is better', () => {
    const pts = chartPoints(arms, 'remote=batched');
    expect(pts.map((p) => p.time)).toEqual([1000, 2000]);
    const svg = tuneChartSvg(pts, { title: 't', y: { name: 'ops/s', higherIsBetter: true } });
    expect(svg).toContain('ops/s, higher is better');
    expect(svg).toContain('Pareto front (upper left is better)');
    expect(svg).toMatch(/remote=batched \(winner\): ops\/s 2000 \(/);
    const p = (label: string, time: number, rssKb: number): ChartPoint => ({
      label,
      kind: 'candidate',
      time,
      timeMin: time,
      timeMax: time,
      rssKb,
      rssMinKb: rssKb,
      rssMaxKb: rssKb,
    });
    const pts2 = [p('lean-slow', 100, 10), p('fat-fast', 300, 30), p('mid', 90, 20), p('best', 300, 20)];
    expect(paretoFront(pts2, true).map((x) => x.label)).toEqual(['lean-slow', 'best']);
    expect(paretoFront(pts2).map((x) => x.label)).toEqual(['lean-slow', 'mid']);
  });
});
