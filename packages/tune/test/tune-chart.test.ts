import { describe, expect, it } from 'vitest';
import { type ChartPoint, paretoFront, tuneChartSvg } from '../src/chart.js';
import { LABEL_CHAR_W } from '../src/label-place.js';

const pt = (label: string, kind: ChartPoint['kind'], time: number, rssKb: number, spread = 0.02): ChartPoint => ({
  label,
  kind,
  time,
  timeMin: time * (1 - spread),
  timeMax: time * (1 + spread),
  rssKb,
  rssMinKb: rssKb * (1 - spread),
  rssMaxKb: rssKb * (1 + spread),
});

const POINTS: ChartPoint[] = [
  pt('default', 'base', 2.0, 40_960),
  pt('front=batched', 'candidate', 1.6, 51_200),
  pt('purge=eager', 'candidate', 2.2, 30_720),
  pt('refill=bulk & <fast>', 'winner', 1.2, 61_440),
  pt('refill=slow', 'candidate', 2.4, 63_000), // dominated by all but one
  pt('glibc', 'peer', 2.6, 35_000), // dominated by purge=eager
  pt('mimalloc', 'peer', 1.1, 90_000),
];

/** A tiny XML well-formedness check: balanced tags, one root, quoted attributes, escaped text. */
function checkXml(xml: string): void {
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>/g;
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  const stack: string[] = [];
  let roots = 0;
  let last = 0;
  for (const m of xml.matchAll(tag)) {
    const text = xml.slice(last, m.index);
    expect(text, `text before offset ${m.index}`).not.toMatch(/[<>]/);
    expect(text, `text before offset ${m.index}`).not.toMatch(entity);
    if (stack.length === 0) expect(text.trim(), 'text outside the root').toBe('');
    const [, close, name, attrs, selfClose] = m as unknown as string[];
    for (const [, value] of (attrs ?? '').matchAll(/="([^"]*)"/g)) {
      expect(value).not.toMatch(/</);
      expect(value).not.toMatch(entity);
    }
    const names = [...(attrs ?? '').matchAll(/\s([\w:.-]+)=/g)].map((a) => a[1]);
    expect(new Set(names).size, `duplicate attribute in ${m[0]}`).toBe(names.length);
    if (close) {
      expect(stack.pop(), `</${name}> at offset ${m.index}`).toBe(name);
    } else if (!selfClose) {
      if (stack.length === 0) roots++;
      stack.push(name as string);
    } else if (stack.length === 0) {
      roots++;
    }
    last = (m.index ?? 0) + m[0].length;
  }
  expect(xml.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

/** Marker centres by the text of their point's <title> (which starts with the full label). */
function markers(svg: string): { title: string; kind: string; x: number; y: number }[] {
  const re =
    /<g class="point (\w+)">\n<title>([^<]*)<\/title>[\s\S]*?<g class="marker" transform="translate\(([-\d.]+) ([-\d.]+)\)">/g;
  return [...svg.matchAll(re)].map((m) => ({ kind: m[1]!, title: m[2]!, x: Number(m[3]), y: Number(m[4]) }));
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const markerOf = (svg: string, label: string) => {
  const m = markers(svg).find((k) => k.title.startsWith(`${esc(label)} (`));
  if (!m) throw new Error(`no marker for ${label}`);
  return m;
};

describe('paretoFront', () => {
  it('keeps the points nothing beats on both time and RSS, sorted by RSS', () => {
    expect(paretoFront(POINTS).map((p) => p.label)).toEqual([
      'purge=eager',
      'default',
      'front=batched',
      'refill=bulk & <fast>',
      'mimalloc',
    ]);
  });

  it('keeps equal points, drops one tied on a single axis and worse on the other', () => {
    const a = pt('a', 'candidate', 1, 100);
    const a2 = pt('a2', 'candidate', 1, 100);
    const sameRssSlower = pt('b', 'candidate', 1.5, 100);
    const sameTimeBigger = pt('c', 'candidate', 1, 120);
    const lean = pt('d', 'peer', 3, 50);
    expect(paretoFront([sameRssSlower, a, sameTimeBigger, a2, lean]).map((p) => p.label)).toEqual(['d', 'a', 'a2']);
    expect(paretoFront([])).toEqual([]);
    expect(paretoFront([{ ...a, time: Number.NaN }, a2]).map((p) => p.label)).toEqual(['a2']);
  });
});

describe('tuneChartSvg', () => {
  const svg = tuneChartSvg(POINTS, {
    title: 'tune: ./app <in> & out',
    subtitle: 'median of 9 runs, "min..max" whiskers',
  });

  it('is well-formed, self-contained XML', () => {
    checkXml(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toMatch(/<script|href=|@import|url\(/);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('escapes every label, the title and the subtitle', () => {
    expect(svg).toContain('tune: ./app &lt;in&gt; &amp; out');
    expect(svg).toContain('median of 9 runs, &quot;min..max&quot; whiskers');
    for (const p of POINTS) expect(svg).toContain(`>${esc(p.label)}</text>`);
    expect(svg).not.toContain('<fast>');
    expect(markers(svg)).toHaveLength(POINTS.length);
  });

  it('places more RSS further right and more time higher up', () => {
    const byRss = [...POINTS].sort((p, q) => p.rssKb - q.rssKb).map((p) => markerOf(svg, p.label).x);
    const byTime = [...POINTS].sort((p, q) => p.time - q.time).map((p) => markerOf(svg, p.label).y);
    for (let i = 1; i < POINTS.length; i++) {
      expect(byRss[i]).toBeGreaterThan(byRss[i - 1]!);
      expect(byTime[i]).toBeLessThan(byTime[i - 1]!); // SVG y grows downwards
    }
  });

  it('draws the front as a step line through the front points only', () => {
    const line = svg.match(/<polyline class="front" points="([^"]*)"/);
    expect(line).not.toBeNull();
    const verts = line![1]!.split(' ');
    const front = paretoFront(POINTS);
    const at = (p: ChartPoint) => {
      const m = markerOf(svg, p.label);
      return `${m.x},${m.y}`;
    };
    // front points in order, each followed by its corner: right along its time, then down
    expect(verts.filter((_, i) => i % 2 === 0)).toEqual(front.map(at));
    expect(verts).toHaveLength(2 * front.length - 1);
    for (let i = 1; i < verts.length; i += 2) {
      const [x, y] = verts[i]!.split(',');
      expect(x).toBe(verts[i + 1]!.split(',')[0]);
      expect(y).toBe(verts[i - 1]!.split(',')[1]);
    }
    for (const p of POINTS.filter((q) => !front.includes(q))) expect(verts).not.toContain(at(p));
  });

  it('marks the winner apart, peers grey', () => {
    expect(markerOf(svg, 'refill=bulk & <fast>').kind).toBe('winner');
    expect(svg.match(/<g class="point winner">/g)).toHaveLength(1);
    expect(svg).toMatch(/<g class="point peer">[\s\S]*?fill="#9a9a9a"/);
    for (const name of ['winner', 'base', 'candidates', 'peers', 'Pareto front']) expect(svg).toContain(`>${name}`);
  });

  it('puts labels beside their markers, not on them', () => {
    const re =
      /<g class="marker" transform="translate\(([-\d.]+) ([-\d.]+)\)">.*<\/g>\n<text x="([-\d.]+)" y="([-\d.]+)"[^>]*text-anchor="(\w+)"[^>]*>([^<]*)<\/text>/g;
    const found = [...svg.matchAll(re)];
    expect(found).toHaveLength(POINTS.length);
    for (const m of found) {
      const [cx, cy, x, y] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
      const w = [...m[6]!.replace(/&\w+;/g, '_')].length * LABEL_CHAR_W;
      const x0 = m[5] === 'start' ? x : m[5] === 'end' ? x - w : x - w / 2;
      const clear = cx + 4.5 < x0 || cx - 4.5 > x0 + w || cy + 4.5 < y - 9 || cy - 4.5 > y + 3;
      expect(clear, `label ${m[6]} over its marker`).toBe(true);
    }
  });

  it('cuts long labels with an ellipsis and keeps the full name in the title', () => {
    const long = 'front=batched,refill=bulk,purge=lazy,remote=ring';
    const out = tuneChartSvg([pt(long, 'candidate', 1, 1000), pt('b', 'base', 2, 2000)], { title: 't' });
    expect(out).toContain(`<title>${long} (candidate)`);
    expect(out).toMatch(/>front=batched,refill=bulk,p…<\/text>/);
    expect(out).not.toContain(`>${long}</text>`);
  });

  it('copes with one point, equal points, zeros and missing whiskers', () => {
    const cases: ChartPoint[][] = [
      [pt('only', 'winner', 1.5, 2048)],
      [pt('a', 'base', 1, 1024, 0), pt('b', 'candidate', 1, 1024, 0), pt('c', 'peer', 1, 1024, 0)],
      [pt('zero', 'base', 0, 0, 0)],
      [{ ...pt('bare', 'candidate', 2, 4096), timeMin: Number.NaN, rssMaxKb: Number.NaN }],
      [{ ...pt('broken', 'candidate', Number.NaN, 4096) }],
      [],
    ];
    for (const c of cases) {
      const out = tuneChartSvg(c, { title: 'edge', width: 500, height: 300 });
      checkXml(out);
      expect(out).not.toMatch(/NaN|Infinity|undefined/);
    }
    expect(tuneChartSvg([], { title: 'x' })).toContain('no runs to show');
  });

  it('is deterministic and sizes itself from the options', () => {
    const opts = { title: 'same', width: 900, height: 600 };
    expect(tuneChartSvg(POINTS, opts)).toBe(tuneChartSvg(POINTS, opts));
    expect(tuneChartSvg(POINTS, opts)).toMatch(/^<svg [^>]*width="900" height="600" viewBox="0 0 900 600"/);
  });

  it('uses a tight axis when every value is far from 0, and says so', () => {
    const near = [pt('a', 'base', 10, 100_000, 0.01), pt('b', 'candidate', 10.4, 102_000, 0.01)];
    const out = tuneChartSvg(near, { title: 't' });
    expect(out).toContain('wall time (s, axis not from 0)');
    expect(out).toContain('peak RSS (MiB, axis not from 0)');
    const [a, b] = [markerOf(out, 'a'), markerOf(out, 'b')];
    expect(b.x - a.x).toBeGreaterThan(100); // 2 % apart, yet well separated
    expect(a.y - b.y).toBeGreaterThan(100);
    expect(svg).toContain('wall time (s)<');
    expect(svg).toContain('peak RSS (MiB)<');
  });
});
