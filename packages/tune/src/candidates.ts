/**
 * Which variants `hakmem tune` measures: single changes from the base (one box swapped, or one
 * tunable moved by a factor), chosen by the goal and pruned by what the workload's shape
 * (workload.ts) shows, in priority order, then the combination of the changes that won.
 */
import type { SlotName } from '@hakmem/native';
import type { ResolvedVariant, TunableSetting } from '@hakmem/compose';
import type { WorkloadShape } from './workload.js';

import type { Goal } from './options.js';
export { GOALS, type Goal } from './options.js';

/** One change from the base: a box swapped in a slot, or one tunable of the slot's box. */
export type Change =
  | { readonly slot: SlotName; readonly box: string }
  | { readonly slot: SlotName; readonly tunable: string; readonly value: TunableSetting };

export interface Candidate {
  /** Stable id: `base`, `front.maxBlocks=1024`, `remote=direct`, `combined:...`. */
  readonly id: string;
  readonly changes: readonly Change[];
  /** Why it is worth measuring (from the goal and the workload). */
  readonly why: string;
}

export const changeId = (c: Change): string =>
  'box' in c ? `${c.slot}=${c.box}` : `${c.slot}.${c.tunable}=${String(c.value)}`;

/** What a change moves: a slot's box, or one tunable of it. */
export const dimensionOf = (c: Change): string => ('box' in c ? c.slot : `${c.slot}.${c.tunable}`);

/** Two changes combine unless they move the same thing, or one swaps the box whose tunable the other sets. */
export const compatible = (a: Change, b: Change): boolean =>
  dimensionOf(a) !== dimensionOf(b) && !(a.slot === b.slot && ('box' in a || 'box' in b));

export const candidateOf = (changes: readonly Change[], why: string): Candidate => ({
  id: changes.length === 0 ? 'base' : changes.map(changeId).join(' '),
  changes,
  why,
});

/** The boxes and tunables of the base with `changes` applied, as a variant input: a swapped
 * box starts from its own defaults (the base's tunables belonged to the other box). */
export function applyChanges(
  base: ResolvedVariant,
  changes: readonly Change[],
): { boxes: Record<string, string>; tunables: Record<string, Record<string, TunableSetting>> } {
  const boxes: Record<string, string> = {};
  const tunables: Record<string, Record<string, TunableSetting>> = {};
  for (const [slot, b] of Object.entries(base.boxes)) {
    boxes[slot] = b.box;
    tunables[slot] = { ...base.tunables[slot as SlotName] };
  }
  for (const c of changes) {
    if ('box' in c) {
      boxes[c.slot] = c.box;
      tunables[c.slot] = {};
    }
  }
  for (const c of changes) if (!('box' in c)) tunables[c.slot]![c.tunable] = c.value;
  tunables.core = { ...base.core };
  return { boxes, tunables };
}

const PRUNE = {
  /** Below these shares a slot's choice cannot matter enough to measure. */
  remote: 0.005,
  large: 0.001,
  /** Front misses (refills) or drains per small allocation / free. */
  front: 0.002,
};

interface Ctx {
  readonly base: ResolvedVariant;
  readonly shape: WorkloadShape | undefined;
  readonly boxesOf: (slot: SlotName) => readonly string[];
}

const num = (v: TunableSetting | undefined): number => (typeof v === 'number' ? v : Number.NaN);

/** A tunable of the base's box scaled by `factor`, clamped to its range; undefined when the box
 * has no such tunable or the value would not move. */
function scaled(ctx: Ctx, slot: SlotName, name: string, factor: number): Change | undefined {
  const t = ctx.base.boxes[slot].manifest.tunables[name];
  if (t?.type !== 'int') return undefined;
  const cur = num(ctx.base.tunables[slot][name]);
  const next = Math.max(t.min, Math.min(t.max, Math.round(cur * factor)));
  return next === cur ? undefined : { slot, tunable: name, value: next };
}

function set(ctx: Ctx, slot: SlotName, name: string, value: TunableSetting): Change | undefined {
  const t = ctx.base.boxes[slot].manifest.tunables[name];
  return t && ctx.base.tunables[slot][name] !== value ? { slot, tunable: name, value } : undefined;
}

function swap(ctx: Ctx, slot: SlotName, box: string): Change | undefined {
  return ctx.base.boxes[slot].box !== box && ctx.boxesOf(slot).includes(box) ? { slot, box } : undefined;
}

type Rule = (ctx: Ctx) => Array<[Change | undefined, string]>;

const has = (ctx: Ctx, f: (s: WorkloadShape) => boolean): boolean => !ctx.shape || f(ctx.shape);

const SPEED: Rule = (ctx) => [
  ...(has(ctx, (s) => s.missRate > PRUNE.front || s.drainRate > PRUNE.front)
    ? ([
        [scaled(ctx, 'front', 'maxBlocks', 4), 'front misses or drains: a larger thread cache'],
        [scaled(ctx, 'front', 'maxBlocks', 16), 'front misses or drains: a much larger thread cache'],
        [scaled(ctx, 'refill', 'batchBlocks', 4), 'front misses: larger refill batches'],
        [scaled(ctx, 'front', 'maxBytes', 4), 'front misses on larger classes: more bytes per cache'],
      ] as Array<[Change | undefined, string]>)
    : []),
  ...(has(ctx, (s) => s.remoteShare > PRUNE.remote)
    ? ([
        [swap(ctx, 'remote', ctx.base.boxes.remote.box === 'batched' ? 'direct' : 'batched'), 'cross-thread frees'],
        [scaled(ctx, 'remote', 'batchBlocks', 4), 'cross-thread frees: larger hand-off batches'],
      ] as Array<[Change | undefined, string]>)
    : []),
  [scaled(ctx, 'purge', 'delayMs', 10), 'keep idle slabs longer: fewer page faults when they are reused'],
  [swap(ctx, 'purge', 'retain'), 'never give slabs back while running: no page faults on reuse'],
  [
    ctx.base.boxes.purge.box === 'eager' ? swap(ctx, 'purge', 'decay') : undefined,
    'keep empty slabs a while before giving them back',
  ],
  ...(has(ctx, (s) => s.largeShare > PRUNE.large)
    ? ([
        [swap(ctx, 'large', 'bigcache'), 'large blocks: cache their mappings'],
        [scaled(ctx, 'large', 'cacheBytes', 4), 'large blocks: a deeper mapping cache'],
      ] as Array<[Change | undefined, string]>)
    : []),
  [set(ctx, 'superslab', 'prepare', 'populate'), 'populate chunks when mapped: no page faults later'],
];

const MEMORY: Rule = (ctx) => [
  [scaled(ctx, 'purge', 'delayMs', 0.1), 'give idle slabs back sooner'],
  [scaled(ctx, 'purge', 'delayMs', 0.01), 'give idle slabs back much sooner'],
  [swap(ctx, 'purge', 'eager'), 'give empty slabs back at once'],
  [
    ctx.base.boxes.purge.box === 'retain' ? swap(ctx, 'purge', 'decay') : undefined,
    'give idle slabs back after a delay',
  ],
  [scaled(ctx, 'front', 'maxBlocks', 0.25), 'a smaller thread cache holds fewer idle blocks'],
  [set(ctx, 'refill', 'keepSpare', false), 'no spare slab per class'],
  [scaled(ctx, 'refill', 'batchBlocks', 0.25), 'smaller refill batches'],
  ...(has(ctx, (s) => s.largeShare > PRUNE.large)
    ? ([
        [swap(ctx, 'large', 'direct'), 'large blocks: unmap on free'],
        [scaled(ctx, 'large', 'cacheBytes', 0.25), 'large blocks: a smaller mapping cache'],
      ] as Array<[Change | undefined, string]>)
    : []),
  ...(has(ctx, (s) => s.remoteShare > PRUNE.remote)
    ? ([[scaled(ctx, 'remote', 'batchBytes', 0.25), 'cross-thread frees: smaller pending batches']] as Array<
        [Change | undefined, string]
      >)
    : []),
];

/** The first-stage candidates, most promising first (the budget may cut the tail). */
export function singleCandidates(
  goal: Goal,
  base: ResolvedVariant,
  shape: WorkloadShape | undefined,
  boxesOf: (slot: SlotName) => readonly string[],
): Candidate[] {
  const ctx: Ctx = { base, shape, boxesOf };
  const speed = SPEED(ctx);
  const memory = MEMORY(ctx);
  // balanced alternates the two lists
  const rules =
    goal === 'speed'
      ? speed
      : goal === 'memory'
        ? memory
        : Array.from({ length: Math.max(speed.length, memory.length) }, (_, i) => [speed[i], memory[i]]).flatMap(
            (pair) => pair.filter((x): x is [Change | undefined, string] => x !== undefined),
          );
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const [change, why] of rules) {
    if (!change) continue;
    const c = candidateOf([change], why);
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    out.push(c);
  }
  return out;
}

/** The winners' changes together (winners sorted best first: a change that conflicts with a
 * better one is left out); undefined when fewer than two combine. */
export function combine(winners: readonly Candidate[]): Candidate | undefined {
  const picked: Change[] = [];
  for (const w of winners) {
    for (const c of w.changes) if (picked.every((p) => compatible(p, c))) picked.push(c);
  }
  if (picked.length < 2) return undefined;
  return candidateOf(picked, `the ${picked.length} winning changes together`);
}
