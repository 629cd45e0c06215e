/**
 * SVG helpers for the tune chart: @hakmem/bench's escaping, legend and heading, and an axis of
 * its own (the bench's bar charts always start at 0; this one may not).
 */

export { escapeXml, legendLayout, svgHead } from '@hakmem/bench';

/** Rounded to 0.1 px: shorter output, and the same text for the same input. */
export const r1 = (v: number): number => Math.round(v * 10) / 10;

/** A 1, 2, 2.5 or 5 times a power of ten step near raw. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
}

export interface Axis {
  min: number;
  max: number;
  step: number;
}

/**
 * A linear axis covering lo..hi (values are times and sizes, never negative). It starts at 0
 * unless every value lies in the upper half of 0..hi: variants of one allocator often differ by a
 * few per cent, and on an axis from 0 they would sit on top of one another. The tick labels show
 * where a tight axis starts. Always finite, with max > min.
 */
export function niceAxis(lo: number, hi: number, ticks = 5): Axis {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { min: 0, max: 1, step: 0.2 };
  if (lo > hi) [lo, hi] = [hi, lo];
  if (!(hi > 0)) return { min: 0, max: 1, step: 0.2 };
  if (lo < hi / 2) {
    const step = niceStep((hi * 1.05) / ticks);
    return { min: 0, max: Math.ceil((hi * 1.05) / step - 1e-9) * step, step };
  }
  // a margin each side so no marker sits on the frame; 5 % of the value when all values are equal
  const pad = (hi - lo) * 0.08 || hi * 0.05;
  const step = niceStep((hi - lo + 2 * pad) / ticks);
  const min = Math.max(0, Math.floor((lo - pad) / step + 1e-9) * step);
  const max = Math.ceil((hi + pad) / step - 1e-9) * step;
  return { min, max: max > min ? max : min + step, step };
}

/** Tick values min, min+step, ... max, computed by index so no rounding error piles up. */
export function axisTicks(a: Axis): number[] {
  return Array.from({ length: Math.round((a.max - a.min) / a.step) + 1 }, (_, i) => a.min + i * a.step);
}

/** A tick value without float noise (0.30000000000000004 → 0.3). */
export const fmtTick = (v: number): string => String(Number(v.toPrecision(10)));
