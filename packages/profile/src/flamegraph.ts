import type { FoldedStack } from './folded.js';

export interface FlameGraphOptions {
  readonly title?: string;
  /** Width of the graph in pixels (default 1200). */
  readonly width?: number;
  /** The unit of the values, for the tooltips (default 'bytes'). */
  readonly unit?: string;
}

interface Node {
  readonly name: string;
  value: number;
  readonly children: Map<string, Node>;
}

const FRAME_H = 16;
const FONT = 12;
const CHAR_W = FONT * 0.6; // monospace advance
const PAD = 10;
const TOP = 34; // title

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A warm colour derived from the name only, so a function keeps its colour between runs. */
export function frameColor(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  h >>>= 0;
  return `rgb(${205 + (h % 50)},${80 + ((h >>> 8) % 130)},${40 + ((h >>> 16) % 50)})`;
}

/** `name` cut to fit `width` pixels, with '..' when cut; '' when not even 3 characters fit. */
export function fitLabel(name: string, width: number): string {
  const n = Math.floor((width - 6) / CHAR_W);
  if (n < 3) return '';
  return name.length <= n ? name : `${name.slice(0, n - 2)}..`;
}

/**
 * Renders folded stacks as a static SVG flame graph: the root at the bottom, each frame a
 * rectangle as wide as its share of the total, children above their parent, siblings sorted by
 * name (as flamegraph.pl does). A <title> per rectangle gives the full name, value and share;
 * no script, so it shows the same in a browser, an image viewer or a README.
 */
export function renderFlameGraph(stacks: readonly FoldedStack[], opts: FlameGraphOptions = {}): string {
  const width = opts.width ?? 1200;
  const unit = opts.unit ?? 'bytes';
  const root: Node = { name: 'all', value: 0, children: new Map() };
  let depth = 0;
  for (const s of stacks) {
    if (s.value <= 0) continue;
    root.value += s.value;
    let n = root;
    for (const f of s.frames) {
      let c = n.children.get(f);
      if (!c) n.children.set(f, (c = { name: f, value: 0, children: new Map() }));
      c.value += s.value;
      n = c;
    }
    depth = Math.max(depth, s.frames.length);
  }
  const height = TOP + (depth + 1) * FRAME_H + PAD * 2;
  const scale = root.value > 0 ? (width - 2 * PAD) / root.value : 0;
  const rects: string[] = [];
  const draw = (n: Node, x: number, level: number): void => {
    const w = n.value * scale;
    if (w < 0.1) return; // invisible: keeps the file small
    const y = height - PAD - (level + 1) * FRAME_H;
    const share = ((100 * n.value) / root.value).toFixed(2);
    const label = fitLabel(n.name, w);
    rects.push(
      `<g><title>${esc(n.name)} (${n.value.toLocaleString('en-US')} ${unit}, ${share}%)</title>` +
        `<rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${FRAME_H - 1}" fill="${n === root ? 'rgb(200,200,200)' : frameColor(n.name)}" rx="2"/>` +
        (label ? `<text x="${(x + 3).toFixed(2)}" y="${y + FRAME_H - 4}">${esc(label)}</text>` : '') +
        '</g>',
    );
    let cx = x;
    for (const c of [...n.children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      draw(c, cx, level + 1);
      cx += c.value * scale;
    }
  };
  if (root.value > 0) draw(root, PAD, 0);
  const title = esc(opts.title ?? 'Flame graph');
  return [
    '<?xml version="1.0" standalone="no"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="${FONT}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="rgb(248,248,240)"/>`,
    `<text x="${width / 2}" y="22" font-size="16" text-anchor="middle">${title}</text>`,
    root.value > 0 ? '' : `<text x="${width / 2}" y="${TOP + FRAME_H}" text-anchor="middle">no samples</text>`,
    ...rects,
    '</svg>',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n')
    .concat('\n');
}
