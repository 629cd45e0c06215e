import type { Sample } from './symbolize.js';

/** One folded stack: function names outermost first, and its weight. */
export interface FoldedStack {
  readonly frames: readonly string[];
  readonly value: number;
}

/** The function names of a stack, outermost first, inlined functions as frames of their own. */
export function stackNames(s: Sample): string[] {
  const names: string[] = [];
  for (let i = s.stack.length - 1; i >= 0; i--) {
    const frames = s.stack[i]!.frames;
    for (let j = frames.length - 1; j >= 0; j--) names.push(frames[j]!.fn);
  }
  return names;
}

/** Sums `samples` (by bytes) per distinct stack of names, sorted by stack. */
export function foldStacks(samples: readonly Sample[]): FoldedStack[] {
  const sums = new Map<string, { frames: string[]; value: number }>();
  for (const s of samples) {
    // ';' separates frames and the last space the value: neither may appear in a name
    const frames = stackNames(s).map((n) => n.replaceAll(';', ':').replaceAll('\n', ' '));
    if (frames.length === 0) frames.push('[unknown]');
    const key = frames.join(';');
    const e = sums.get(key);
    if (e) e.value += s.bytes;
    else sums.set(key, { frames, value: s.bytes });
  }
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}

/** The folded text (`root;...;leaf <bytes>` per line) that flamegraph.pl and speedscope read. */
export const formatFolded = (stacks: readonly FoldedStack[]): string =>
  stacks.map((s) => `${s.frames.join(';')} ${s.value}\n`).join('');
