/**
 * Where to put a point's label on a scatter chart: beside its marker, never on it, and where it
 * covers the fewest other markers and labels. Greedy, in the caller's order; deterministic.
 */

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface LabelSpot {
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
  box: Box;
}

/** Estimated advance of one character of the 11 px label font (the fonts are the reader's). */
export const LABEL_CHAR_W = 6.4;

/** The box a label of `chars` characters covers with its baseline at y, anchored at x. */
export function labelBox(x: number, y: number, anchor: LabelSpot['anchor'], chars: number): Box {
  const w = chars * LABEL_CHAR_W;
  const x0 = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
  return { x0, y0: y - 9, x1: x0 + w, y1: y + 3 };
}

export const area = (b: Box): number => Math.max(0, b.x1 - b.x0) * Math.max(0, b.y1 - b.y0);

export function overlapArea(p: Box, q: Box): number {
  return area({
    x0: Math.max(p.x0, q.x0),
    y0: Math.max(p.y0, q.y0),
    x1: Math.min(p.x1, q.x1),
    y1: Math.min(p.y1, q.y1),
  });
}

/**
 * The first of eight spots around a marker of half-size `half` at (cx, cy) that is inside `bounds`
 * and clear of `obstacles`; failing that, the one with the least overlap (leaving the bounds
 * counts a hundredfold). No spot touches the marker itself.
 */
export function placeLabel(
  cx: number,
  cy: number,
  half: number,
  chars: number,
  obstacles: readonly Box[],
  bounds: Box,
): LabelSpot {
  const g = half + 3;
  const spots: [number, number, LabelSpot['anchor']][] = [
    [cx + g, cy + 4, 'start'],
    [cx - g, cy + 4, 'end'],
    [cx, cy - g - 4, 'middle'],
    [cx, cy + g + 10, 'middle'],
    [cx + g, cy - g - 1, 'start'],
    [cx + g, cy + g + 9, 'start'],
    [cx - g, cy - g - 1, 'end'],
    [cx - g, cy + g + 9, 'end'],
  ];
  let best: LabelSpot | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const [x, y, anchor] of spots) {
    const box = labelBox(x, y, anchor, chars);
    let cost = (area(box) - overlapArea(box, bounds)) * 100;
    for (const o of obstacles) cost += overlapArea(box, o);
    if (cost < bestCost) {
      best = { x, y, anchor, box };
      bestCost = cost;
      if (cost === 0) break;
    }
  }
  return best as LabelSpot;
}
