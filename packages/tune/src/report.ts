/** What `hakmem tune` prints and writes: the table of every arm, the chart's points, the
 * description of the written variant. */
import { formatBytes } from '@hakmem/bench';
import type { ChartPoint } from './chart.js';
import { median } from './rank.js';
import type { Goal } from './candidates.js';
import type { Verdict } from './decide.js';
import type { RunSample } from './measure.js';
import { metricFlags, metricLabel, metricValue, WALL, type Metric } from './metric.js';

export interface ArmSummary {
  readonly id: string;
  readonly kind: 'base' | 'candidate' | 'peer';
  readonly n: number;
  readonly failed: number;
  readonly wall: number;
  readonly wallMin: number;
  readonly wallMax: number;
  readonly cpu: number;
  readonly rssKb: number;
  readonly rssMinKb: number;
  readonly rssMaxKb: number;
  readonly faults: number;
  /** The --metric figure: median, min, max (the wall or CPU figures again for those metrics). */
  readonly metric: number;
  readonly metricMin: number;
  readonly metricMax: number;
}

const finite = (xs: number[]) => xs.filter(Number.isFinite);

export function summarize(
  id: string,
  kind: ArmSummary['kind'],
  runs: readonly RunSample[],
  metric: Metric = WALL,
): ArmSummary {
  const ok = runs.filter((r) => r.arm === id && r.ok);
  const wall = finite(ok.map((r) => r.wall));
  const rss = finite(ok.map((r) => r.rssKb));
  const fig = finite(ok.map((r) => metricValue(metric, r)));
  return {
    id,
    kind,
    n: ok.length,
    failed: runs.filter((r) => r.arm === id && !r.ok).length,
    wall: median(wall),
    wallMin: wall.length ? Math.min(...wall) : Number.NaN,
    wallMax: wall.length ? Math.max(...wall) : Number.NaN,
    cpu: median(ok.map((r) => r.cpu)),
    rssKb: median(rss),
    rssMinKb: rss.length ? Math.min(...rss) : Number.NaN,
    rssMaxKb: rss.length ? Math.max(...rss) : Number.NaN,
    faults: median(ok.map((r) => r.faults)),
    metric: median(fig),
    metricMin: fig.length ? Math.min(...fig) : Number.NaN,
    metricMax: fig.length ? Math.max(...fig) : Number.NaN,
  };
}

const secs = (s: number): string =>
  !Number.isFinite(s) ? '—' : s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`;
const mib = (kb: number): string => formatBytes(kb * 1024, { unit: 'MiB', decimals: 1 });
const rel = (x: number, base: number): string => {
  if (!Number.isFinite(x) || !Number.isFinite(base) || base <= 0) return '—';
  const d = (x / base - 1) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
};
/** A printed figure: four significant digits, with k, M or G beyond a thousand. */
export const figure = (v: number): string => {
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  const [d, suffix] = a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${Number((v / d).toPrecision(4))}${suffix}`;
};
/** A figure of the metric, in its own units. */
export const metricText = (m: Metric, v: number): string => (m.kind === 'regex' ? figure(v) : secs(v));
const pval = (p: number | undefined): string =>
  p === undefined || !Number.isFinite(p) ? '' : p < 0.001 ? '<0.001' : p.toFixed(3);

/** A fixed-width table: every arm, its medians and spreads, its change from the base, the rank
 * test's p and the verdict. Under a --metric other than wall its figure comes first and a line
 * above the table names it; the wall and CPU columns stay. */
export function formatTable(
  arms: readonly ArmSummary[],
  verdicts: ReadonlyMap<string, Verdict & { stage: string }>,
  winner: string | undefined,
  metric: Metric = WALL,
): string {
  const base = arms.find((a) => a.kind === 'base');
  const isBase = (a: ArmSummary) => a.kind === 'base';
  type Col = { head: string; cell: (a: ArmSummary) => string };
  const metricCols: Col[] =
    metric.kind === 'wall'
      ? []
      : [
          {
            head: `${metric.kind === 'cpu' ? 'CPU' : metric.name} (median, min–max)`,
            cell: (a) =>
              `${metricText(metric, a.metric)} (${metricText(metric, a.metricMin)}–${metricText(metric, a.metricMax)})`,
          },
          { head: 'vs base', cell: (a) => (isBase(a) ? '' : rel(a.metric, base?.metric ?? Number.NaN)) },
        ];
  const cols: Col[] = [
    ...metricCols,
    ...(metric.kind === 'cpu'
      ? [{ head: 'wall', cell: (a: ArmSummary) => secs(a.wall) }]
      : [
          {
            head: 'wall (median, min–max)',
            cell: (a: ArmSummary) => `${secs(a.wall)} (${secs(a.wallMin)}–${secs(a.wallMax)})`,
          },
          { head: 'vs base', cell: (a: ArmSummary) => (isBase(a) ? '' : rel(a.wall, base?.wall ?? Number.NaN)) },
        ]),
    { head: 'peak RSS (min–max)', cell: (a) => `${mib(a.rssKb)} (${mib(a.rssMinKb)}–${mib(a.rssMaxKb)})` },
    { head: 'vs base', cell: (a) => (isBase(a) ? '' : rel(a.rssKb, base?.rssKb ?? Number.NaN)) },
    ...(metric.kind === 'cpu' ? [] : [{ head: 'CPU', cell: (a: ArmSummary) => secs(a.cpu) }]),
    { head: 'faults', cell: (a) => (Number.isFinite(a.faults) ? String(Math.round(a.faults)) : '—') },
  ];
  const head = ['', 'runs', ...cols.map((c) => c.head), 'p', 'verdict'];
  const rows = arms.map((a) => {
    const v = verdicts.get(a.id);
    const verdict =
      a.kind === 'peer'
        ? 'reference'
        : a.kind === 'base'
          ? 'base'
          : a.id === winner
            ? 'WINNER'
            : v?.excluded
              ? `out: ${v.excluded}`
              : v
                ? v.better
                  ? `better (${v.stage})`
                  : `not better beyond spread (${v.stage})`
                : 'not measured';
    return [
      a.kind === 'peer' ? `[${a.id}]` : a.id,
      `${a.n}${a.failed ? ` (+${a.failed} failed)` : ''}`,
      ...cols.map((c) => c.cell(a)),
      pval(v?.p),
      verdict,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const title =
    metric.kind === 'wall'
      ? []
      : [
          `ranked by ${metricLabel(metric)}${metric.kind === 'regex' ? `, from /${metric.regex}/ in the output` : ': user + sys of the command and its children'}`,
        ];
  return [...title, line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The chart's points: the metric (wall time by default) against peak RSS. */
export function chartPoints(arms: readonly ArmSummary[], winner: string | undefined): ChartPoint[] {
  return arms
    .filter((a) => a.n > 0)
    .map((a) => ({
      label: a.id,
      kind: a.id === winner ? 'winner' : a.kind,
      time: a.metric,
      timeMin: a.metricMin,
      timeMax: a.metricMax,
      rssKb: a.rssKb,
      rssMinKb: a.rssMinKb,
      rssMaxKb: a.rssMaxKb,
    }));
}

/** The written variant's description: what it was tuned for and the figures it won by. */
export function winnerDescription(o: {
  goal: Goal;
  command: string;
  base: string;
  winner: ArmSummary;
  baseArm: ArmSummary;
  verdict: Verdict;
  date: string;
  metric?: Metric;
}): string {
  const cmd = o.command.length > 80 ? `${o.command.slice(0, 77)}...` : o.command;
  const m = o.metric ?? WALL;
  const flags = m.kind === 'wall' ? '' : ` ${metricFlags(m)}`;
  const fig =
    m.kind === 'wall'
      ? ''
      : `${m.kind === 'cpu' ? 'CPU' : m.name} ${metricText(m, o.winner.metric)} vs ${metricText(m, o.baseArm.metric)} (${rel(o.winner.metric, o.baseArm.metric)}, ${m.higherIsBetter ? 'higher' : 'lower'} is better), `;
  return (
    `Tuned by \`hakmem tune --goal ${o.goal}${flags}\` on ${o.date} for \`${cmd}\`: ${fig}` +
    `wall ${secs(o.winner.wall)} vs ${secs(o.baseArm.wall)} (${rel(o.winner.wall, o.baseArm.wall)}), ` +
    `peak RSS ${mib(o.winner.rssKb)} vs ${mib(o.baseArm.rssKb)} (${rel(o.winner.rssKb, o.baseArm.rssKb)}) against ${o.base} ` +
    `(medians of ${o.winner.n} and ${o.baseArm.n} interleaved runs; rank test over the ${o.verdict.n} confirmation runs, p = ${pval(o.verdict.p)}).`
  );
}
