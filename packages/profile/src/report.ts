import { isAbsolute, relative } from 'node:path';
import { formatBytes as bytes } from '@hakmem/bench';
import type { Frame, Profile, Sample } from './symbolize.js';

/** 1536 -> '1.5 KiB' (@hakmem/bench's formatBytes, one decimal). */
export const formatBytes = (n: number): string => bytes(n, { decimals: 1 });

const num = (n: number): string => n.toLocaleString('en-US');
const pct = (part: number, total: number): string => `${total > 0 ? ((100 * part) / total).toFixed(1) : '0.0'}%`;

/** `fn (file:line)`, the file relative to `cwd` when under it. */
export function formatFrame(f: Frame, cwd = process.cwd()): string {
  if (!f.file) return f.fn;
  const rel = isAbsolute(f.file) ? relative(cwd, f.file) : f.file;
  const file = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : f.file;
  return `${f.fn} (${file}${f.line ? `:${f.line}` : ''})`;
}

/** The allocation site of a sample: its innermost frame outside hakmem. */
export const siteOf = (s: Sample, cwd?: string): string =>
  s.stack[0]?.frames[0] ? formatFrame(s.stack[0].frames[0], cwd) : '[unknown: no frame outside hakmem]';

export interface Site {
  readonly site: string;
  bytes: number;
  count: number;
}

/** Alloc samples summed per site, largest (by `by`) first. */
export function sites(samples: readonly Sample[], by: 'bytes' | 'count' = 'bytes', cwd?: string): Site[] {
  const m = new Map<string, Site>();
  for (const s of samples) {
    const key = siteOf(s, cwd);
    const e = m.get(key) ?? m.set(key, { site: key, bytes: 0, count: 0 }).get(key)!;
    e.bytes += s.bytes;
    e.count += s.count;
  }
  return [...m.values()].sort((a, b) => b[by] - a[by] || b.bytes - a.bytes || (a.site < b.site ? -1 : 1));
}

const sum = (samples: readonly Sample[], k: 'bytes' | 'count'): number => samples.reduce((a, s) => a + s[k], 0);

function describeRun(p: Profile): string {
  const r = p.raws[0];
  const pids = p.raws.map((x) => x.pid);
  const who = pids.length === 1 ? `pid ${pids[0]}` : `${pids.length} processes merged (pids ${pidList(pids)})`;
  return `variant ${r?.variant ?? '?'}, ${who}, one sample every ${formatBytes(r?.sampleBytes ?? 0)} allocated on average`;
}

export interface ReportOptions {
  /** Rows per table (default 30). */
  readonly top?: number;
  /** Paths in frames are shown relative to it (default: the current directory). */
  readonly cwd?: string;
}

/** top.txt: the allocation sites by estimated bytes and by estimated count, with share and cumulative share. */
export function formatTop(p: Profile, opts: ReportOptions = {}): string {
  const n = opts.top ?? 30;
  const totalBytes = sum(p.alloc, 'bytes');
  const totalCount = sum(p.alloc, 'count');
  const out = [
    'hakmem heap profile: allocation sites (the innermost frame outside hakmem), cumulative since start',
    describeRun(p),
    `allocated (estimated): ${num(totalBytes)} bytes (${formatBytes(totalBytes)}) in ${num(totalCount)} allocations, from ${p.alloc.length} sampled stacks`,
    '',
  ];
  const table = (title: string, by: 'bytes' | 'count', total: number): void => {
    const rows = sites(p.alloc, by, opts.cwd);
    out.push(`by ${title} (top ${Math.min(n, rows.length)} of ${rows.length} sites)`);
    const other = by === 'bytes' ? 'count' : 'bytes';
    out.push(`${by.padStart(14)}  ${'share'.padStart(6)}  ${'cum'.padStart(6)}  ${other.padStart(14)}  site`);
    let cum = 0;
    for (const r of rows.slice(0, n)) {
      cum += r[by];
      out.push(
        `${num(r[by]).padStart(14)}  ${pct(r[by], total).padStart(6)}  ${pct(cum, total).padStart(6)}  ${num(r[other]).padStart(14)}  ${r.site}`,
      );
    }
    if (rows.length === 0) out.push('  (no sampled allocation)');
    out.push('');
  };
  table('estimated bytes', 'bytes', totalBytes);
  table('estimated number of allocations', 'count', totalCount);
  return out.join('\n');
}

export interface Leak {
  readonly frames: readonly string[];
  bytes: number;
  count: number;
  samples: number;
}

/** Live samples grouped by their whole stack, largest first. */
export function leaks(p: Profile, cwd?: string): Leak[] {
  const m = new Map<string, Leak>();
  for (const s of p.live) {
    const frames = s.stack.flatMap((l) => l.frames.map((f) => formatFrame(f, cwd)));
    const key = frames.join('\n');
    const e = m.get(key) ?? m.set(key, { frames, bytes: 0, count: 0, samples: 0 }).get(key)!;
    e.bytes += s.bytes;
    e.count += s.count;
    e.samples++;
  }
  return [...m.values()].sort((a, b) => b.bytes - a.bytes || b.count - a.count);
}

/** leaks.txt: the stacks of sampled blocks still live when the profile was written, largest first. */
export function formatLeaks(p: Profile, opts: ReportOptions = {}): string {
  const ls = leaks(p, opts.cwd);
  const reasons = [...new Set(p.raws.map((r) => r.reason))].join(', ');
  const out = [
    `hakmem heap profile: sampled blocks still live at exit (profile written on: ${reasons}), largest first`,
    describeRun(p),
  ];
  if (ls.length === 0) return `${[...out, '', 'no sampled allocation was live at exit'].join('\n')}\n`;
  const bytes = ls.reduce((a, l) => a + l.bytes, 0);
  const count = ls.reduce((a, l) => a + l.count, 0);
  out.push(
    `live (estimated): ${num(bytes)} bytes (${formatBytes(bytes)}) in ${num(count)} blocks, ${ls.length} stacks`,
  );
  ls.forEach((l, i) => {
    out.push(
      '',
      `#${i + 1}  ${num(l.bytes)} bytes (${formatBytes(l.bytes)}, ${pct(l.bytes, bytes)}) in ${num(l.count)} blocks (estimated; ${l.samples} sampled)`,
      ...(l.frames.length ? l.frames : ['[unknown: no frame outside hakmem]']).map((f) => `    ${f}`),
    );
  });
  return `${out.join('\n')}\n`;
}

/** The one-screen terminal summary. */
export function formatSummary(p: Profile, outDir: string, files: readonly string[], opts: ReportOptions = {}): string {
  const total = sum(p.alloc, 'bytes');
  const live = sum(p.live, 'bytes');
  const out = [
    `hakmem profile: ${formatBytes(total)} allocated (estimated from ${p.alloc.length} sampled stacks; ${describeRun(p)})`,
    `  live at exit: ${formatBytes(live)} in ${num(sum(p.live, 'count'))} blocks (estimated, ${p.live.length} sampled)`,
    '  top sites by bytes:',
  ];
  for (const s of sites(p.alloc, 'bytes', opts.cwd).slice(0, 5)) {
    out.push(`  ${pct(s.bytes, total).padStart(6)}  ${formatBytes(s.bytes).padStart(10)}  ${s.site}`);
  }
  if (p.alloc.length === 0) out.push('    (no sampled allocation)');
  const raws = files.filter((f) => /^raw-\d+\.prof$/.test(f));
  const shown =
    raws.length > 3 ? [...files.filter((f) => !raws.includes(f)), `raw-*.prof (${raws.length} files)`] : files;
  out.push(`  written to ${outDir}: ${shown.join(', ')}`);
  out.push(`  flame graph: ${outDir}/profile.svg; interactive: go tool pprof -http=: ${outDir}/alloc.pb.gz`);
  return `${out.join('\n')}\n`;
}

/** Pids for a header line: all of a few, the first and last of many (their raw files name them all). */
export function pidList(pids: readonly number[]): string {
  return pids.length <= 6 ? pids.join(', ') : `${pids.slice(0, 3).join(', ')}, ... ${pids.at(-1)}`;
}
