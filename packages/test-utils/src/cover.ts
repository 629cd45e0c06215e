// Which named variants run the files that exercise boxes rather than names (the stress files,
// the link modes, the other platforms): a greedy cover of every (slot, box) pair of
// hakmem.config.ts. Imports nothing heavy: vitest.matrix.config.ts loads it while it starts.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const cli = join(root, 'packages', 'cli', 'bin', 'hakmem.mjs');

/** The sampler only watches allocations (packages/sampler tests it): no pair of its counts. */
const WATCHERS = new Set(['sampler']);

export interface ListedVariant {
  name: string;
  boxes: Record<string, string>;
}

/** The named variants of the repository's hakmem.config.ts, as `hakmem list --json` gives them. */
export function listVariants(): ListedVariant[] {
  const r = spawnSync(process.execPath, [cli, 'list', '--json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hakmem list --json failed:\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { variants: ListedVariant[] }).variants;
}

/** A variant's (slot, box) pairs as `slot=box`, the sampler's left out. */
function pairs(v: ListedVariant): string[] {
  return Object.entries(v.boxes)
    .filter(([slot]) => !WATCHERS.has(slot))
    .map(([slot, box]) => `${slot}=${box}`);
}

/**
 * The variants that bring every (slot, box) pair: `default` first, then, while a pair is left,
 * the variant that brings the most pairs no chosen variant brings (ties: the first named).
 */
export function boxCover(variants: ListedVariant[]): Set<string> {
  const first = variants.find((v) => v.name === 'default') ?? variants[0];
  if (!first) return new Set();
  const covered = new Set(pairs(first));
  const chosen = new Set([first.name]);
  for (;;) {
    let best: ListedVariant | undefined;
    let bestNew = 0;
    for (const v of variants) {
      const fresh = pairs(v).filter((p) => !covered.has(p)).length;
      if (fresh > bestNew) [best, bestNew] = [v, fresh];
    }
    if (!best) return chosen;
    chosen.add(best.name);
    for (const p of pairs(best)) covered.add(p);
  }
}

let listed: ListedVariant[] | undefined;

/**
 * The (slot, box) pairs as `slot=box` that the cover's variants bring: the pairs whose box runs
 * the matrix's stress files (threads, sanitizers, fuzzing) with its tunables as a named variant
 * sets them.
 */
export function coveredPairs(variants?: ListedVariant[]): Set<string> {
  if (!variants) {
    // a box test file asks once per box; `hakmem list` takes most of a second
    listed ??= listVariants();
    variants = listed;
  }
  const cover = boxCover(variants);
  return new Set(variants.filter((v) => cover.has(v.name)).flatMap(pairs));
}
