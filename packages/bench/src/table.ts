/** Number formatting and plain-text / Markdown tables. Pure. */
import type { Report, Row } from './report-json.js';

const DASH = '—';

/** 3 significant digits with k/M/G: 123M, 12.3M, 1.23k, 950. */
export function fmtRate(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return DASH;
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [k, u] of units) {
    if (Math.abs(v) >= k) return `${sig3(v / k)}${u}`;
  }
  return sig3(v);
}

function sig3(x: number): string {
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

const BYTE_UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
export type ByteUnit = (typeof BYTE_UNITS)[number];

/**
 * A size in bytes with a binary unit: the largest unit it reaches from `smallest` (default
 * bytes), or `unit` if given. In the smallest unit a whole number; above it three significant
 * digits, or `decimals` places. '—' for no value. The one byte formatter of the packages:
 * 1536 -> '1.50 KiB'; { decimals: 1 } -> '1.5 KiB'; 512 KiB with smallest KiB -> '512 KiB'.
 */
export function formatBytes(
  bytes: number | null | undefined,
  o: { decimals?: number; unit?: ByteUnit; smallest?: ByteUnit } = {},
): string {
  if (bytes == null || !Number.isFinite(bytes)) return DASH;
  const lowest = BYTE_UNITS.indexOf(o.smallest ?? 'bytes');
  let i = o.unit ? BYTE_UNITS.indexOf(o.unit) : lowest;
  let v = bytes / 1024 ** i;
  if (!o.unit) {
    while (Math.abs(v) >= 1024 && i < BYTE_UNITS.length - 1) {
      v /= 1024;
      i++;
    }
  }
  const n =
    i === lowest && !o.unit ? String(Math.round(v)) : o.decimals !== undefined ? v.toFixed(o.decimals) : sig3(v);
  return `${n} ${BYTE_UNITS[i]}`;
}

/** KiB as KiB/MiB/GiB (formatBytes from KiB up). */
export const fmtKb = (kb: number | null | undefined): string =>
  formatBytes(kb == null ? kb : kb * 1024, { smallest: 'KiB' });

/** 1.23× */
export function fmtRatio(r: number | null | undefined): string {
  if (r == null || !Number.isFinite(r)) return DASH;
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

export function fmtRange(min: number | null | undefined, max: number | null | undefined): string {
  if (min == null || max == null || !Number.isFinite(min) || !Number.isFinite(max)) return DASH;
  return `${fmtRate(min)}..${fmtRate(max)}`;
}

/** Faults per op, 3 significant digits: 2.51k, 512, 0.0123, 7.50e-6 (tiny_hot's start-up faults over millions of ops). */
export function fmtFaults(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return DASH;
  if (v === 0) return '0';
  if (Math.abs(v) < 0.001) return v.toExponential(2);
  const r = Number(v.toPrecision(3));
  return Math.abs(r) >= 1000 ? fmtRate(r) : String(r);
}

export function fmtInstr(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return DASH;
  return v >= 1000 ? v.toFixed(0) : v.toFixed(1);
}

/** Nanoseconds, 3 significant digits: 12.3, 38.0, 152, 1.23k. */
export function fmtNs(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return DASH;
  return Math.abs(v) >= 1000 ? fmtRate(v) : sig3(v);
}

/** An instruction count's cell: the count, "n/a" when valgrind cannot run the allocator, else a dash. */
export const instrCell = (r: Row): string => (r.instructionsUnavailable ? 'n/a' : fmtInstr(r.instructionsPerOp));

/** The benchmark whose op is exactly one malloc + one free on one thread: its ns/op is the pair's time. */
export const PAIR_BENCH = 'tiny_hot';

/** PAIR_BENCH's rows with a time, in allocator order. */
export const pairRows = (report: Report): Row[] =>
  report.rows.filter((r) => r.benchmark === PAIR_BENCH && r.nsPerOp != null);

/** Each allocator's "n/a" reason for instructions, once (Scudo's is the same for every benchmark). */
export function unavailableNotes(report: Report): { allocator: string; reason: string }[] {
  const seen = new Map<string, string>();
  for (const r of report.rows)
    if (r.instructionsUnavailable && !seen.has(r.allocator)) seen.set(r.allocator, r.instructionsUnavailable);
  return [...seen].map(([allocator, reason]) => ({ allocator, reason }));
}

export type Align = 'left' | 'right';

/** Display width, counting each code point as one column. */
const width = (s: string): number => [...s].length;
const pad = (s: string, w: number, align: Align): string =>
  align === 'right' ? ' '.repeat(w - width(s)) + s : s + ' '.repeat(w - width(s));

/** A plain-text table with a rule under the header; `groupBreaks` puts a blank line before those row indexes. */
export function textTable(
  headers: string[],
  rows: string[][],
  align: Align[],
  groupBreaks: ReadonlySet<number> = new Set(),
): string {
  const w = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, w[i] ?? 0, align[i] ?? 'left'))
      .join('  ')
      .trimEnd();
  const out = [line(headers), w.map((n) => '─'.repeat(n)).join('  ')];
  rows.forEach((r, i) => {
    if (groupBreaks.has(i) && i > 0) out.push('');
    out.push(line(r));
  });
  return `${out.join('\n')}\n`;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A GitHub-flavoured Markdown table. */
export function mdTable(headers: string[], rows: string[][], align: Align[]): string {
  const sep = headers.map((_, i) => (align[i] === 'right' ? '---:' : ':---'));
  const line = (cells: string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
  return `${[line(headers), line(sep), ...rows.map(line)].join('\n')}\n`;
}

/** The detailed columns for one row, shared by the terminal and Markdown tables. */
export function rowCells(r: Row, withInstr: boolean): string[] {
  const cells = [
    r.benchmark,
    r.allocator,
    r.error && r.opsPerSec == null ? 'FAILED' : fmtRate(r.opsPerSec),
    fmtRange(r.opsPerSecMin, r.opsPerSecMax),
    fmtRatio(r.ratioToBestPeer),
    fmtKb(r.peakRssKb),
    fmtRatio(r.rssRatioToBestPeer),
    fmtFaults(r.faultsPerOp),
  ];
  if (withInstr) cells.push(instrCell(r), fmtRatio(r.instructionsRatioToBestPeer));
  return cells;
}

export function rowHeaders(withInstr: boolean): { headers: string[]; align: Align[] } {
  const headers = [
    'benchmark',
    'allocator',
    'ops/s',
    'min..max',
    'vs best peer',
    'peak RSS',
    'RSS vs best',
    'faults/op',
  ];
  const align: Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'];
  if (withInstr) {
    headers.push('instr/op', 'instr vs best');
    align.push('right', 'right');
  }
  return { headers, align };
}

export const hasInstructions = (report: Report): boolean => report.rows.some((r) => r.instructionsPerOp !== undefined);

/** The table printed in the terminal at the end of a run. */
export function terminalTable(report: Report): string {
  const withInstr = hasInstructions(report);
  const { headers, align } = rowHeaders(withInstr);
  const breaks = new Set<number>();
  const rows = report.rows.map((r, i) => {
    if (i > 0 && report.rows[i - 1]?.benchmark !== r.benchmark) breaks.add(i);
    const cells = rowCells(r, withInstr);
    if (i > 0 && report.rows[i - 1]?.benchmark === r.benchmark) cells[0] = '';
    return cells;
  });
  let out = textTable(headers, rows, align, breaks);
  const reps = report.rows[0]?.reps ?? 0;
  const hardened = report.allocators.filter((a) => a.hardenedPeerOf).map((a) => a.name);
  out += `\nmedian of ${reps} run${reps === 1 ? '' : 's'} each; ratios are to the best peer (non-hakmem allocator, glibc included${hardened.length > 0 ? `; not ${hardened.join(', ')}, compared with its hardened variant below` : ''}) in this run; throughput ratios are the median of each round's:\n`;
  out += 'throughput: higher is better; RSS, faults/op (minor page faults per op) and instructions: lower is better.\n';
  for (const n of unavailableNotes(report)) out += `instr/op under ${n.allocator}: n/a (${n.reason})\n`;
  for (const pair of report.hardenedPairs ?? []) {
    const benches = Object.keys(pair.benchmarks);
    out += `\n${pair.variant} against ${pair.peer}, the hardened peer (ops/s: higher is better; peak RSS: lower is better):\n`;
    out += textTable(
      ['benchmark', `${pair.label} ops/s`, `${pair.label} peak RSS`],
      benches.map((b) => [b, fmtRatio(pair.benchmarks[b]?.throughputRatio), fmtRatio(pair.benchmarks[b]?.rssRatio)]),
      ['left', 'right', 'right'],
    );
  }
  const pairs = pairRows(report);
  if (pairs.length > 0)
    out += `\n${PAIR_BENCH}, ns per malloc + free pair: ${pairs.map((r) => `${r.allocator} ${fmtNs(r.nsPerOp)}`).join(' · ')}\n`;
  for (const f of report.failures) out += `FAILED ${f.benchmark} / ${f.allocator}: ${f.error}\n`;
  return out;
}
