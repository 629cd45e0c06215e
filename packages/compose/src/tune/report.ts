/** What `hakmem tune` prints and writes: the table of every arm, the chart's points, the
 * description of the written variant. */
import type { ChartPoint } from './chart.js';
import { median } from './rank.js';
import type { Goal } from './candidates.js';
import type { Verdict } from './decide.js';
import type { RunSample } from './measure.js';

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
}

const finite = (xs: number[]) => xs.filter(Number.isFinite);

export function summarize(id: string, kind: ArmSummary['kind'], runs: readonly RunSample[]): ArmSummary {
  const ok = runs.filter((r) => r.arm === id && r.ok);
  const wall = finite(ok.map((r) => r.wall));
  const rss = finite(ok.map((r) => r.rssKb));
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
  };
}

const secs = (s: number): string =>
  !Number.isFinite(s) ? '—' : s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`;
const mib = (kb: number): string => (Number.isFinite(kb) ? `${(kb / 1024).toFixed(1)} MiB` : '—');
const rel = (x: number, base: number): string => {
  if (!Number.isFinite(x) || !Number.isFinite(base) || base <= 0) return '—';
  const d = (x / base - 1) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
};
const pval = (p: number | undefined): string =>
  p === undefined || !Number.isFinite(p) ? '' : p < 0.001 ? '<0.001' : p.toFixed(3);

/** A fixed-width table: every arm, its medians and spreads, its change from the base, the rank
 * test's p and the verdict. */
export function formatTable(
  arms: readonly ArmSummary[],
  verdicts: ReadonlyMap<string, Verdict & { stage: string }>,
  winner: string | undefined,
): string {
  const base = arms.find((a) => a.kind === 'base');
  const head = [
    '',
    'runs',
    'wall (median, min–max)',
    'vs base',
    'peak RSS (min–max)',
    'vs base',
    'CPU',
    'faults',
    'p',
    'verdict',
  ];
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
      `${secs(a.wall)} (${secs(a.wallMin)}–${secs(a.wallMax)})`,
      a.kind === 'base' ? '' : rel(a.wall, base?.wall ?? Number.NaN),
      `${mib(a.rssKb)} (${mib(a.rssMinKb)}–${mib(a.rssMaxKb)})`,
      a.kind === 'base' ? '' : rel(a.rssKb, base?.rssKb ?? Number.NaN),
      secs(a.cpu),
      Number.isFinite(a.faults) ? String(Math.round(a.faults)) : '—',
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
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function chartPoints(arms: readonly ArmSummary[], winner: string | undefined): ChartPoint[] {
  return arms
    .filter((a) => a.n > 0)
    .map((a) => ({
      label: a.id,
      kind: a.id === winner ? 'winner' : a.kind,
      time: a.wall,
      timeMin: a.wallMin,
      timeMax: a.wallMax,
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
}): string {
  const cmd = o.command.length > 80 ? `${o.command.slice(0, 77)}...` : o.command;
  return (
    `Tuned by \`hakmem tune --goal ${o.goal}\` on ${o.date} for \`${cmd}\`: ` +
    `wall ${secs(o.winner.wall)} vs ${secs(o.baseArm.wall)} (${rel(o.winner.wall, o.baseArm.wall)}), ` +
    `peak RSS ${mib(o.winner.rssKb)} vs ${mib(o.baseArm.rssKb)} (${rel(o.winner.rssKb, o.baseArm.rssKb)}) against ${o.base} ` +
    `(medians of ${o.winner.n} and ${o.baseArm.n} interleaved runs; rank test over the ${o.verdict.n} confirmation runs, p = ${pval(o.verdict.p)}).`
  );
}
