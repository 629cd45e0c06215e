/** SVG charts, drawn by hand (no chart library). Pure: data in, SVG text out. */
import type { Report, Row } from './report-json.js';
import { fmtKb, fmtRate, fmtRatio, fmtRange } from './table.js';

export interface BarChart {
  title: string;
  subtitle?: string;
  yLabel: string;
  /** x groups (benchmarks) */
  groups: string[];
  /** smaller lines under each group name ('\n' separates lines) */
  groupNotes?: string[];
  /** bars in each group (allocators) */
  series: string[];
  /** values[group][series]; null = no bar */
  values: (number | null)[][];
  /** tooltip per bar */
  tooltips?: (string | null)[][];
  /** a dashed horizontal reference line, e.g. 1.0 = best peer */
  refLine?: { value: number; label: string };
  /** bars above this are drawn clipped, with their value printed */
  clipAt?: number;
  colors?: string[];
  format?: (v: number) => string;
}

const HAKMEM_COLORS = ['#d62728', '#ff7f0e', '#e6a100', '#c2185b', '#8e24aa'];
const PEER_COLORS: Record<string, string> = {
  glibc: '#7f7f7f',
  mimalloc: '#1f77b4',
  jemalloc: '#2ca02c',
  tcmalloc: '#9467bd',
  scudo: '#00897b',
};
const EXTRA_COLORS = ['#17becf', '#8c564b', '#bcbd22', '#e377c2', '#393b79'];

/** Stable colours: hakmem variants warm, known peers fixed, others from a spare palette. */
export function colorsFor(names: readonly string[]): string[] {
  let h = 0;
  let x = 0;
  return names.map((n) => {
    if (n.startsWith('hakmem')) return HAKMEM_COLORS[h++ % HAKMEM_COLORS.length] as string;
    return PEER_COLORS[n] ?? (EXTRA_COLORS[x++ % EXTRA_COLORS.length] as string);
  });
}

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A "nice" axis maximum and tick step covering v. */
export function niceScale(v: number, ticks = 5): { max: number; step: number } {
  if (!(v > 0) || !Number.isFinite(v)) return { max: 1, step: 0.2 };
  const raw = v / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
  return { max: Math.ceil(v / step - 1e-9) * step, step };
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/** Legend entries left to right, wrapping at `maxX`; widths estimated from the text (11 px font). */
export function legendLayout(items: readonly string[], minX: number, maxX: number): { lx: number; ly: number }[] {
  const out: { lx: number; ly: number }[] = [];
  let x = minX;
  let y = 58;
  for (const it of items) {
    const w = 17 + Math.ceil([...it].length * 6.6) + 22;
    if (x > minX && x + w > maxX) {
      x = minX;
      y += 20;
    }
    out.push({ lx: x, ly: y });
    x += w;
  }
  return out;
}

/** The opening of every chart: root element, title, white background, heading and subtitle. */
export function svgHead(width: number, height: number, left: number, title: string, subtitle?: string): string[] {
  const o = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="600" fill="#222">${escapeXml(title)}</text>`,
  ];
  if (subtitle) o.push(`<text x="${left}" y="44" font-size="11" fill="#555">${escapeXml(subtitle)}</text>`);
  return o;
}

export function barChart(c: BarChart): string {
  const fmt = c.format ?? ((v: number) => v.toFixed(2));
  const nG = Math.max(1, c.groups.length);
  const nS = Math.max(1, c.series.length);
  const barW = nS <= 3 ? 24 : nS <= 5 ? 18 : 12;
  const groupGap = 28;
  const groupW = nS * barW + groupGap;
  const left = 64;
  const right = 24;
  const plotH = 260;
  const noteLines = Math.max(0, ...(c.groupNotes ?? []).map((n) => n.split('\n').length));
  const bottom = 40 + noteLines * 13;
  const width = Math.max(560, left + right + nG * groupW);
  const legendItems = [...c.series, ...(c.refLine ? [c.refLine.label] : [])];
  const legendRows = 1 + Math.max(0, ...legendLayout(legendItems, left, width - right).map((p) => (p.ly - 58) / 20));
  const top = 58 + legendRows * 20 + 16;
  const height = top + plotH + bottom;
  const colors = c.colors ?? colorsFor(c.series);

  const finite = c.values.flat().filter((v): v is number => v != null && Number.isFinite(v));
  let top0 = Math.max(0, ...finite, c.refLine?.value ?? 0);
  if (c.clipAt !== undefined) top0 = Math.min(top0, c.clipAt);
  const { max, step } = niceScale(top0 * 1.08);
  const y = (v: number) => top + plotH - (Math.min(v, max) / max) * plotH;

  const o = svgHead(width, height, left, c.title, c.subtitle);

  // legend: one swatch per series, then the reference line
  const legendPos = legendLayout([...c.series, ...(c.refLine ? [c.refLine.label] : [])], left, width - right);
  const legendAt = (i: number) => legendPos[i] ?? { lx: left, ly: 58 };
  c.series.forEach((s, i) => {
    const { lx, ly } = legendAt(i);
    o.push(`<rect x="${lx}" y="${ly}" width="12" height="12" rx="2" fill="${colors[i]}"/>`);
    o.push(`<text x="${lx + 17}" y="${ly + 10}" font-size="11" fill="#333">${escapeXml(s)}</text>`);
  });
  if (c.refLine) {
    const { lx, ly } = legendAt(c.series.length);
    o.push(
      `<line x1="${lx}" y1="${ly + 6}" x2="${lx + 14}" y2="${ly + 6}" stroke="#222" stroke-width="1" stroke-dasharray="3 2"/>`,
    );
    o.push(`<text x="${lx + 19}" y="${ly + 10}" font-size="11" fill="#333">${escapeXml(c.refLine.label)}</text>`);
  }

  // grid and y axis
  for (let v = 0; v <= max + step / 2; v += step) {
    const yy = r1(y(v));
    o.push(`<line x1="${left}" y1="${yy}" x2="${width - right}" y2="${yy}" stroke="#e5e5e5" stroke-width="1"/>`);
    o.push(
      `<text x="${left - 6}" y="${r1(yy + 4)}" font-size="10" text-anchor="end" fill="#666">${escapeXml(fmt(v))}</text>`,
    );
  }
  const midY = top + plotH / 2;
  o.push(
    `<text x="16" y="${midY}" font-size="11" fill="#444" text-anchor="middle" transform="rotate(-90 16 ${midY})">${escapeXml(c.yLabel)}</text>`,
  );
  o.push(
    `<line x1="${left}" y1="${top + plotH}" x2="${width - right}" y2="${top + plotH}" stroke="#888" stroke-width="1"/>`,
  );

  // reference line under the bars, so value labels stay readable
  if (c.refLine && c.refLine.value <= max) {
    const yy = r1(y(c.refLine.value));
    o.push(
      `<line x1="${left}" y1="${yy}" x2="${width - right}" y2="${yy}" stroke="#222" stroke-width="1" stroke-dasharray="5 4"/>`,
    );
  }
  // bars
  c.groups.forEach((g, gi) => {
    const gx = left + gi * groupW + groupGap / 2;
    c.series.forEach((s, si) => {
      const v = c.values[gi]?.[si];
      const x = gx + si * barW;
      if (v == null || !Number.isFinite(v)) {
        o.push(
          `<text x="${r1(x + barW / 2)}" y="${top + plotH - 4}" font-size="9" text-anchor="middle" fill="#999">–</text>`,
        );
        return;
      }
      const clipped = v > max;
      const yy = y(v);
      const h = Math.max(0.5, top + plotH - yy);
      const tip = c.tooltips?.[gi]?.[si] ?? `${s} · ${g}: ${fmt(v)}`;
      o.push(
        `<rect x="${r1(x + 1)}" y="${r1(yy)}" width="${barW - 2}" height="${r1(h)}" fill="${colors[si]}"><title>${escapeXml(tip)}</title></rect>`,
      );
      const label = clipped ? `▲${fmt(v)}` : fmt(v);
      const lx = r1(x + barW / 2);
      const ly = r1(yy - 4);
      o.push(
        `<text x="${lx}" y="${ly}" font-size="8.5" text-anchor="start" fill="#333" stroke="#fff" stroke-width="2.5" paint-order="stroke" transform="rotate(-90 ${lx} ${ly})" dy="3">${escapeXml(label)}</text>`,
      );
    });
    const cx = r1(gx + (nS * barW) / 2);
    o.push(
      `<text x="${cx}" y="${top + plotH + 18}" font-size="12" text-anchor="middle" fill="#222">${escapeXml(g)}</text>`,
    );
    (c.groupNotes?.[gi] ?? '').split('\n').forEach((line, li) => {
      if (line) {
        o.push(
          `<text x="${cx}" y="${top + plotH + 33 + li * 13}" font-size="9.5" text-anchor="middle" fill="#777">${escapeXml(line)}</text>`,
        );
      }
    });
  });

  o.push('</svg>');
  return `${o.join('\n')}\n`;
}

export interface LineSeries {
  name: string;
  /** [x, y] in data units */
  points: [number, number][];
  tooltip?: string;
  /** a value drawn as a hollow dot just after the line's end (burst_idle: RSS after malloc_trim), with its tooltip */
  end?: number | null;
  endTooltip?: string;
}

export interface LineChart {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** legend entry for the end dots */
  endLabel?: string;
  colors?: string[];
  formatX?: (v: number) => string;
  formatY?: (v: number) => string;
}

/** Tick values 0, step, ... max, computed by index so no rounding error piles up. */
const ticks = (max: number, step: number): number[] =>
  Array.from({ length: Math.round(max / step) + 1 }, (_, i) => i * step);
const trimNum = (v: number, digits: number) => String(Number(v.toFixed(digits)));

/** A line chart: one polyline per series over a shared x axis from 0, fixed width. */
export function lineChart(c: LineChart): string {
  const fmtX = c.formatX ?? ((v: number) => trimNum(v, 3));
  const fmtY = c.formatY ?? ((v: number) => trimNum(v, 2));
  const width = 760;
  const left = 64;
  const right = 40; // room for the end dots right of the last point
  const plotH = 300;
  const plotW = width - left - right;
  const legendItems = [...c.series.map((s) => s.name), ...(c.endLabel ? [c.endLabel] : [])];
  const legendPos = legendLayout(legendItems, left, width - right);
  const legendRows = 1 + Math.max(0, ...legendPos.map((p) => (p.ly - 58) / 20));
  const top = 58 + legendRows * 20 + 16;
  const height = top + plotH + 52;
  const colors = c.colors ?? colorsFor(c.series.map((s) => s.name));

  const finite = (v: number | null | undefined): v is number => v != null && Number.isFinite(v);
  const xs = c.series.flatMap((s) => s.points.map((p) => p[0])).filter(finite);
  const ys = [...c.series.flatMap((s) => s.points.map((p) => p[1])), ...c.series.map((s) => s.end)].filter(finite);
  // reduce, not Math.max(...): a long timeline would overflow the argument list
  const maxOf = (vs: number[]) => vs.reduce((m, v) => Math.max(m, v), 0);
  const sx = niceScale(maxOf(xs));
  const sy = niceScale(maxOf(ys) * 1.08);
  const X = (v: number) => r1(left + (v / sx.max) * plotW);
  const Y = (v: number) => r1(top + plotH - (Math.min(v, sy.max) / sy.max) * plotH);

  const o = svgHead(width, height, left, c.title, c.subtitle);
  const legendAt = (i: number) => legendPos[i] ?? { lx: left, ly: 58 };
  c.series.forEach((s, i) => {
    const { lx, ly } = legendAt(i);
    o.push(`<line x1="${lx}" y1="${ly + 6}" x2="${lx + 12}" y2="${ly + 6}" stroke="${colors[i]}" stroke-width="3"/>`);
    o.push(`<text x="${lx + 17}" y="${ly + 10}" font-size="11" fill="#333">${escapeXml(s.name)}</text>`);
  });
  if (c.endLabel) {
    const { lx, ly } = legendAt(c.series.length);
    o.push(`<circle cx="${lx + 6}" cy="${ly + 6}" r="3.5" fill="#fff" stroke="#555" stroke-width="1.5"/>`);
    o.push(`<text x="${lx + 17}" y="${ly + 10}" font-size="11" fill="#333">${escapeXml(c.endLabel)}</text>`);
  }

  // grid, y ticks, x ticks and axis labels
  for (const v of ticks(sy.max, sy.step)) {
    const yy = Y(v);
    o.push(`<line x1="${left}" y1="${yy}" x2="${width - right}" y2="${yy}" stroke="#e5e5e5" stroke-width="1"/>`);
    o.push(
      `<text x="${left - 6}" y="${r1(yy + 4)}" font-size="10" text-anchor="end" fill="#666">${escapeXml(fmtY(v))}</text>`,
    );
  }
  for (const v of ticks(sx.max, sx.step)) {
    const xx = X(v);
    o.push(`<line x1="${xx}" y1="${top + plotH}" x2="${xx}" y2="${top + plotH + 4}" stroke="#888" stroke-width="1"/>`);
    o.push(
      `<text x="${xx}" y="${top + plotH + 16}" font-size="10" text-anchor="middle" fill="#666">${escapeXml(fmtX(v))}</text>`,
    );
  }
  o.push(
    `<line x1="${left}" y1="${top + plotH}" x2="${width - right}" y2="${top + plotH}" stroke="#888" stroke-width="1"/>`,
  );
  o.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#888" stroke-width="1"/>`);
  const midY = top + plotH / 2;
  o.push(
    `<text x="16" y="${midY}" font-size="11" fill="#444" text-anchor="middle" transform="rotate(-90 16 ${midY})">${escapeXml(c.yLabel)}</text>`,
  );
  o.push(
    `<text x="${r1(left + plotW / 2)}" y="${top + plotH + 36}" font-size="11" fill="#444" text-anchor="middle">${escapeXml(c.xLabel)}</text>`,
  );

  // the lines, then the end dots on top of them
  c.series.forEach((s, i) => {
    const pts = s.points.filter((p) => finite(p[0]) && finite(p[1]));
    if (pts.length === 0) return;
    const tip = s.tooltip ?? s.name;
    o.push(
      `<polyline points="${pts.map(([x, y]) => `${X(x)},${Y(y)}`).join(' ')}" fill="none" stroke="${colors[i]}" stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round"><title>${escapeXml(tip)}</title></polyline>`,
    );
  });
  c.series.forEach((s, i) => {
    const last = s.points[s.points.length - 1];
    if (!finite(s.end) || !last) return;
    o.push(
      `<circle cx="${r1(X(last[0]) + 6)}" cy="${Y(s.end)}" r="3.5" fill="#fff" stroke="${colors[i]}" stroke-width="1.5"><title>${escapeXml(s.endTooltip ?? `${s.name}: ${fmtY(s.end)}`)}</title></circle>`,
    );
  });

  o.push('</svg>');
  return `${o.join('\n')}\n`;
}

function benchesOf(report: Report): string[] {
  return [...new Set(report.rows.map((r) => r.benchmark))];
}

function grid<T>(report: Report, f: (bench: string, alloc: string) => T): T[][] {
  const allocs = report.allocators.map((a) => a.name);
  return benchesOf(report).map((b) => allocs.map((a) => f(b, a)));
}

const rowOf = (report: Report, b: string, a: string) => report.rows.find((r) => r.benchmark === b && r.allocator === a);

/** throughput.svg: ops/s of each allocator relative to the best peer, per benchmark. */
export function throughputSvg(report: Report): string {
  const benches = benchesOf(report);
  return barChart({
    title: 'Throughput relative to the best peer (higher is better)',
    subtitle: `${report.machine.cpuModel}, ${report.machine.cores} cores · suite ${String(report.options.suite)} · median of ${String(report.options.reps)} · ${report.date.slice(0, 10)}`,
    yLabel: 'ops/s ÷ best peer',
    groups: benches,
    groupNotes: benches.map((b) => {
      const best = report.bestPeers[b]?.throughput;
      return best ? `best: ${best.name}\n${fmtRate(best.value)} ops/s` : 'no peer';
    }),
    series: report.allocators.map((a) => a.name),
    values: grid(report, (b, a) => rowOf(report, b, a)?.ratioToBestPeer ?? null),
    tooltips: grid(report, (b, a) => {
      const r = rowOf(report, b, a);
      if (!r || r.opsPerSec == null) return `${a} · ${b}: no result`;
      return `${a} · ${b}: ${fmtRate(r.opsPerSec)} ops/s (${fmtRange(r.opsPerSecMin, r.opsPerSecMax)}), ${fmtRatio(r.ratioToBestPeer)} of the best peer`;
    }),
    refLine: { value: 1, label: 'best peer = 1' },
    clipAt: 5,
    format: (v) => v.toFixed(2),
  });
}

/** rss.svg: peak RSS of each allocator relative to the lowest peer, per benchmark (absolute in the notes and tooltips). */
export function rssSvg(report: Report): string {
  const benches = benchesOf(report);
  return barChart({
    title: 'Peak RSS relative to the best peer (lower is better)',
    subtitle: `peak resident set size (wait4 ru_maxrss) of each run, median · ${report.date.slice(0, 10)}`,
    yLabel: 'peak RSS ÷ lowest peer',
    groups: benches,
    groupNotes: benches.map((b) => {
      const best = report.bestPeers[b]?.rss;
      return best ? `best: ${best.name}\n${fmtKb(best.value)}` : 'no peer';
    }),
    series: report.allocators.map((a) => a.name),
    values: grid(report, (b, a) => rowOf(report, b, a)?.rssRatioToBestPeer ?? null),
    tooltips: grid(report, (b, a) => {
      const r = rowOf(report, b, a);
      if (!r || r.peakRssKb == null) return `${a} · ${b}: no result`;
      return `${a} · ${b}: ${fmtKb(r.peakRssKb)} peak RSS, ${fmtRatio(r.rssRatioToBestPeer)} of the best peer`;
    }),
    refLine: { value: 1, label: 'best peer = 1' },
    clipAt: 6,
    format: (v) => v.toFixed(2),
  });
}

/** The benchmark whose rows carry an RSS timeline for rss-timeline.svg. */
export const TIMELINE_BENCH = 'burst_idle';

/** The rows of TIMELINE_BENCH that carry a timeline, in allocator order. */
export function timelineRows(report: Report): Row[] {
  return report.allocators.flatMap((a) => {
    const row = rowOf(report, TIMELINE_BENCH, a.name);
    return row?.timelineKb?.length ? [row] : [];
  });
}

export const numParam = (params: Record<string, unknown>, k: string): number | null => {
  const v = params[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/** rss-timeline.svg: burst_idle's RSS over time, one line per allocator; null when no row has a timeline. */
export function rssTimelineSvg(report: Report): string | null {
  const all = report.allocators.map((a) => a.name);
  const colors = colorsFor(all); // the same colour per allocator as in the bar charts
  const rows = timelineRows(report);
  const first = rows[0];
  if (!first) return null;
  const mib = numParam(first.params, 'burstMib');
  const kbToMib = (kb: number | null) => (kb == null ? null : kb / 1024);
  const series = rows.map((row): LineSeries => {
    const ms = row.timelineSampleMs ?? 10;
    const p = row.params;
    return {
      name: row.allocator,
      points: (row.timelineKb ?? []).map((kb, i): [number, number] => [(i * ms) / 1000, kb / 1024]),
      end: kbToMib(numParam(p, 'rssAfterTrimKb')),
      endTooltip: `${row.allocator}: ${fmtKb(numParam(p, 'rssAfterTrimKb'))} after malloc_trim(0)`,
      tooltip:
        `${row.allocator}: start ${fmtKb(numParam(p, 'rssStartKb'))}, peak ${fmtKb(numParam(p, 'rssPeakKb'))}, ` +
        `end ${fmtKb(numParam(p, 'rssEndKb'))}, after malloc_trim(0) ${fmtKb(numParam(p, 'rssAfterTrimKb'))}`,
    };
  });
  return lineChart({
    title: `RSS over time: burst of ${mib ?? '?'} MiB freed across two threads, then light activity`,
    subtitle: `resident set size (/proc/self/statm) every ${first.timelineSampleMs ?? 10} ms from just before the burst, first run of each allocator · ${report.date.slice(0, 10)}`,
    xLabel: 'time since the burst started (s)',
    yLabel: 'RSS (MiB)',
    series,
    endLabel: 'after malloc_trim(0)',
    colors: rows.map((r) => colors[all.indexOf(r.allocator)] as string),
  });
}
