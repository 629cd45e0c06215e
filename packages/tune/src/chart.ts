/**
 * tune's chart: wall time (or the --metric figure) against peak RSS, one marker per allocator with its spread, and the
 * Pareto front (the variants nothing beats on both). Pure: points in, SVG text out.
 */
import { formatBytes } from '@hakmem/bench';
import { type Box, type LabelSpot, placeLabel } from './label-place.js';
import { type Axis, axisTicks, escapeXml, fmtTick, legendLayout, niceAxis, r1, svgHead } from './svg-kit.js';

export type PointKind = 'base' | 'candidate' | 'winner' | 'peer';

export interface ChartPoint {
  label: string;
  kind: PointKind;
  /** the y figure, median: wall seconds, or the --metric figure (ChartOptions.y) */
  time: number;
  timeMin: number;
  timeMax: number;
  /** kilobytes, median */
  rssKb: number;
  rssMinKb: number;
  rssMaxKb: number;
}

export interface ChartOptions {
  title: string;
  subtitle?: string;
  width?: number;
  height?: number;
  /** The y axis: what `time` is, its unit, which way is better (default wall time, s, lower). */
  y?: { name: string; unit?: string; higherIsBetter?: boolean };
}

const WALL_AXIS = { name: 'wall time', unit: 's', higherIsBetter: false };

const placed = (p: ChartPoint) => Number.isFinite(p.time) && Number.isFinite(p.rssKb);

/**
 * The points no other point dominates (lower or equal time and RSS, one of them strictly lower;
 * with higherIsBetter, higher or equal y instead), sorted by RSS, then the better y, then input
 * order. Equal points do not dominate each other, so both stay. Points without a finite time and
 * RSS are left out.
 */
export function paretoFront(points: readonly ChartPoint[], higherIsBetter = false): ChartPoint[] {
  const ok = points.filter(placed);
  const s = higherIsBetter ? -1 : 1;
  const dominates = (q: ChartPoint, p: ChartPoint) =>
    s * q.time <= s * p.time && q.rssKb <= p.rssKb && (s * q.time < s * p.time || q.rssKb < p.rssKb);
  return ok.filter((p) => !ok.some((q) => dominates(q, p))).sort((p, q) => p.rssKb - q.rssKb || s * (p.time - q.time));
}

interface KindStyle {
  name: string;
  color: string;
  /** half the marker's extent, for label placement */
  half: number;
  /** the marker, drawn around the origin */
  shape: string;
}

/** A five-pointed star around the origin, outer radius ro, inner ri. */
const star = (ro: number, ri: number) =>
  `${Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 ? ri : ro;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    return `${i ? 'L' : 'M'}${r1(r * Math.cos(a))},${r1(r * Math.sin(a))}`;
  }).join('')}Z`;

// hakmem's warm colours as in the bench charts; the winner is the only star, peers are grey
const STYLES: Record<PointKind, KindStyle> = {
  base: {
    name: 'base',
    color: '#1f77b4',
    half: 5,
    shape: '<rect x="-4.5" y="-4.5" width="9" height="9" fill="#1f77b4" stroke="#fff" stroke-width="1"/>',
  },
  candidate: {
    name: 'candidates',
    color: '#ff7f0e',
    half: 5,
    shape: '<circle cx="0" cy="0" r="4.5" fill="#ff7f0e" stroke="#fff" stroke-width="1"/>',
  },
  winner: {
    name: 'winner',
    color: '#d62728',
    half: 9,
    shape: `<path d="${star(9, 4)}" fill="#d62728" stroke="#7a1010" stroke-width="1"/>`,
  },
  peer: {
    name: 'peers',
    color: '#7f7f7f',
    half: 6,
    shape: '<path d="M0,-5.5L5,3.5L-5,3.5Z" fill="#9a9a9a" stroke="#fff" stroke-width="1"/>',
  },
};
/** Legend order, and the order labels are placed in (the winner gets the best spot). */
const KINDS: PointKind[] = ['winner', 'base', 'candidate', 'peer'];
/** Drawing order: the winner last, on top. */
const DRAW_ORDER: PointKind[] = ['peer', 'base', 'candidate', 'winner'];

const MAX_LABEL = 28;
const frontLegend = (higherIsBetter: boolean) => `Pareto front (${higherIsBetter ? 'upper' : 'lower'} left is better)`;
const FRONT_STROKE = 'stroke="#444" stroke-width="1.5" stroke-dasharray="5 3" stroke-linejoin="round"';

/** A label of at most MAX_LABEL characters (code points), cut with an ellipsis. */
function shortLabel(s: string): string {
  const cps = [...s];
  return cps.length <= MAX_LABEL ? s : `${cps.slice(0, MAX_LABEL - 1).join('')}…`;
}

const mib = (kb: number) => kb / 1024;
const orElse = (v: number, d: number) => (Number.isFinite(v) ? v : d);
const fmtS = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '?');
const fmtMib = (kb: number) => formatBytes(kb * 1024, { unit: 'MiB', decimals: 1 });

/**
 * The chart as self-contained SVG: x = peak RSS (MiB), y = wall time (s) or opts.y, medians as markers with
 * min..max whiskers on both axes, the Pareto front as a step line, a legend. Axes start at 0
 * unless every value sits in the upper half of its range (see niceAxis). All text is escaped;
 * the same input gives the same bytes.
 */
export function tuneChartSvg(points: readonly ChartPoint[], opts: ChartOptions): string {
  const width = Math.max(400, Math.round(orElse(opts.width ?? 760, 760)));
  const left = 64;
  const right = 24;
  const bottom = 52;
  const pts = points.filter(placed);
  const yAxis = opts.y ?? WALL_AXIS;
  const higher = yAxis.higherIsBetter === true;
  const kinds = KINDS.filter((k) => pts.some((p) => p.kind === k));
  const legendItems = [...kinds.map((k) => STYLES[k].name), frontLegend(higher)];
  const legendPos = legendLayout(legendItems, left, width - right);
  const top = (legendPos[legendPos.length - 1]?.ly ?? 58) + 20 + 16;
  const height = Math.max(Math.round(orElse(opts.height ?? 480, 480)), top + 160 + bottom);
  const plotW = width - left - right;
  const plotH = height - top - bottom;

  const xs = pts.flatMap((p) => [p.rssKb, orElse(p.rssMinKb, p.rssKb), orElse(p.rssMaxKb, p.rssKb)].map(mib));
  const ys = pts.flatMap((p) => [p.time, orElse(p.timeMin, p.time), orElse(p.timeMax, p.time)]);
  const lo = (vs: number[]) => vs.reduce((m, v) => Math.min(m, v), Number.POSITIVE_INFINITY);
  const hi = (vs: number[]) => vs.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
  const ax = niceAxis(lo(xs), hi(xs));
  const ay = niceAxis(lo(ys), hi(ys));
  const frac = (a: Axis, v: number) => Math.min(1, Math.max(0, (v - a.min) / (a.max - a.min)));
  const X = (v: number) => r1(left + frac(ax, v) * plotW);
  const Y = (v: number) => r1(top + plotH - frac(ay, v) * plotH);

  const o = svgHead(width, height, left, opts.title, opts.subtitle);
  legendItems.forEach((item, i) => {
    const { lx, ly } = legendPos[i] ?? { lx: left, ly: 58 };
    const kind = kinds[i];
    if (kind) o.push(`<g transform="translate(${lx + 6} ${ly + 6})">${STYLES[kind].shape}</g>`);
    else o.push(`<line x1="${lx}" y1="${ly + 6}" x2="${lx + 14}" y2="${ly + 6}" ${FRONT_STROKE}/>`);
    o.push(`<text x="${lx + 19}" y="${ly + 10}" font-size="11" fill="#333">${escapeXml(item)}</text>`);
  });

  // grid, ticks and axis titles
  for (const v of axisTicks(ay)) {
    const yy = Y(v);
    o.push(`<line x1="${left}" y1="${yy}" x2="${width - right}" y2="${yy}" stroke="#e5e5e5" stroke-width="1"/>`);
    o.push(`<text x="${left - 6}" y="${r1(yy + 4)}" font-size="10" text-anchor="end" fill="#666">${fmtTick(v)}</text>`);
  }
  for (const v of axisTicks(ax)) {
    const xx = X(v);
    o.push(`<line x1="${xx}" y1="${top}" x2="${xx}" y2="${top + plotH}" stroke="#efefef" stroke-width="1"/>`);
    o.push(`<line x1="${xx}" y1="${top + plotH}" x2="${xx}" y2="${top + plotH + 4}" stroke="#888" stroke-width="1"/>`);
    o.push(
      `<text x="${xx}" y="${top + plotH + 16}" font-size="10" text-anchor="middle" fill="#666">${fmtTick(v)}</text>`,
    );
  }
  o.push(
    `<line x1="${left}" y1="${top + plotH}" x2="${width - right}" y2="${top + plotH}" stroke="#888" stroke-width="1"/>`,
  );
  o.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#888" stroke-width="1"/>`);
  const midY = r1(top + plotH / 2);
  const fromZero = (a: Axis) => (a.min === 0 ? '' : ', axis not from 0');
  const yNote = yAxis.unit ? `${yAxis.unit}${fromZero(ay)}` : fromZero(ay).slice(2);
  const yTitle = `${yAxis.name}${yNote ? ` (${yNote})` : ''}${higher ? ', higher is better' : ''}`;
  o.push(
    `<text x="16" y="${midY}" font-size="11" fill="#444" text-anchor="middle" transform="rotate(-90 16 ${midY})">${escapeXml(yTitle)}</text>`,
  );
  o.push(
    `<text x="${r1(left + plotW / 2)}" y="${top + plotH + 36}" font-size="11" fill="#444" text-anchor="middle">peak RSS (MiB${fromZero(ax)})</text>`,
  );
  if (pts.length === 0) {
    o.push(
      `<text x="${r1(left + plotW / 2)}" y="${midY}" font-size="12" fill="#999" text-anchor="middle">no runs to show</text>`,
    );
  }

  // where each point and its whiskers fall
  const at = pts.map((p) => ({
    x: X(mib(p.rssKb)),
    y: Y(p.time),
    half: STYLES[p.kind].half,
    x0: X(mib(orElse(p.rssMinKb, p.rssKb))),
    x1: X(mib(orElse(p.rssMaxKb, p.rssKb))),
    y0: Y(orElse(p.timeMin, p.time)),
    y1: Y(orElse(p.timeMax, p.time)),
  }));

  // the front, under the markers: right along each front point's time, then down to the next
  const front = paretoFront(pts, higher);
  const verts = front.flatMap((p, i): [number, number][] => {
    const next = front[i + 1];
    const here: [number, number] = [X(mib(p.rssKb)), Y(p.time)];
    return next ? [here, [X(mib(next.rssKb)), here[1]]] : [here];
  });
  if (verts.length >= 2) {
    o.push(
      `<polyline class="front" points="${verts.map(([x, y]) => `${x},${y}`).join(' ')}" fill="none" ${FRONT_STROKE}/>`,
    );
  }

  // labels placed by importance, clear of markers, whiskers, the front and the labels placed before
  const obstacles: Box[] = [
    ...at.flatMap((c) => [
      { x0: c.x - c.half, y0: c.y - c.half, x1: c.x + c.half, y1: c.y + c.half },
      segmentBox(c.x0, c.y, c.x1, c.y),
      segmentBox(c.x, c.y0, c.x, c.y1),
    ]),
    ...verts.slice(1).map(([x, y], i) => segmentBox(verts[i]![0], verts[i]![1], x, y)),
  ];
  const bounds: Box = { x0: left + 2, y0: top, x1: width - 4, y1: top + plotH - 2 };
  const byKind = (order: PointKind[]) =>
    pts.map((_, i) => i).sort((i, j) => order.indexOf(pts[i]!.kind) - order.indexOf(pts[j]!.kind) || i - j);
  const spots = new Map<number, LabelSpot>();
  for (const i of byKind(KINDS)) {
    const c = at[i]!;
    const spot = placeLabel(c.x, c.y, c.half, [...shortLabel(pts[i]!.label)].length, obstacles, bounds);
    obstacles.push(spot.box);
    spots.set(i, spot);
  }

  for (const i of byKind(DRAW_ORDER)) {
    const p = pts[i]!;
    const c = at[i]!;
    const spot = spots.get(i)!;
    const st = STYLES[p.kind];
    const tip =
      `${p.label} (${p.kind}): ${yAxis.name} ${fmtS(p.time)}${yAxis.unit ? ` ${yAxis.unit}` : ''} (${fmtS(orElse(p.timeMin, p.time))}–${fmtS(orElse(p.timeMax, p.time))}), ` +
      `peak RSS ${fmtMib(p.rssKb)} (${fmtMib(orElse(p.rssMinKb, p.rssKb))}–${fmtMib(orElse(p.rssMaxKb, p.rssKb))})`;
    o.push(`<g class="point ${p.kind}">`);
    o.push(`<title>${escapeXml(tip)}</title>`);
    const whisker = `stroke="${st.color}" stroke-width="1.2" stroke-opacity="0.7"`;
    if (c.x0 !== c.x1) o.push(`<line x1="${c.x0}" y1="${c.y}" x2="${c.x1}" y2="${c.y}" ${whisker}/>`);
    if (c.y0 !== c.y1) o.push(`<line x1="${c.x}" y1="${c.y0}" x2="${c.x}" y2="${c.y1}" ${whisker}/>`);
    o.push(`<g class="marker" transform="translate(${c.x} ${c.y})">${st.shape}</g>`);
    const weight = p.kind === 'winner' ? ' font-weight="600"' : '';
    o.push(
      `<text x="${r1(spot.x)}" y="${r1(spot.y)}" font-size="11"${weight} text-anchor="${spot.anchor}" fill="${p.kind === 'peer' ? '#666' : '#222'}" stroke="#fff" stroke-width="2.5" paint-order="stroke">${escapeXml(shortLabel(p.label))}</text>`,
    );
    o.push('</g>');
  }

  o.push('</svg>');
  return `${o.join('\n')}\n`;
}

/** A horizontal or vertical line as a thin box, for label placement. */
function segmentBox(xa: number, ya: number, xb: number, yb: number): Box {
  return {
    x0: Math.min(xa, xb) - 1.5,
    y0: Math.min(ya, yb) - 1.5,
    x1: Math.max(xa, xb) + 1.5,
    y1: Math.max(ya, yb) + 1.5,
  };
}
