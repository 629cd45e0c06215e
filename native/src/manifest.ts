import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SLOT_ORDER, isSlotName, type SlotName } from './slots.js';

export { SLOT_ORDER, isSlotName, type SlotName };

/**
 * What every tunable may say about run time. A tunable is a constant of the variant unless its
 * box marks it `runtime`: then the generated `HK_CFG_<SLOT>_<NAME>` names a variable that holds
 * the variant's value and is set once at start-up from the environment
 * (`HAKMEM_<SLOT>_<NAME>`, or the shorter `env` name when the box gives one), before any slot's
 * init hook runs. Mark only tunables read on cold paths and never in a constant expression (an
 * array size, `#if`): the compiler rejects the latter, the hot path budget forbids the former.
 */
export interface TunableRuntime {
  /** Settable from the environment at start-up. */
  readonly runtime?: boolean;
  /** A shorter environment name read when `HAKMEM_<SLOT>_<NAME>` is unset (e.g. HAKMEM_LIMIT). */
  readonly env?: string;
}

/** An integer constant; `HK_CFG_<SLOT>_<NAME>` in the generated header. */
export interface TunableInt extends TunableRuntime {
  readonly type: 'int';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly description: string;
  /** Unit for humans ("blocks", "bytes", ...). */
  readonly unit?: string;
}

/** A flag; generated as 0 or 1. */
export interface TunableBool extends TunableRuntime {
  readonly type: 'bool';
  readonly default: boolean;
  readonly description: string;
}

/** One of a fixed set of names; generated as the index of the value, plus one define per value. */
export interface TunableEnum<V extends string = string> extends TunableRuntime {
  readonly type: 'enum';
  readonly values: readonly V[];
  readonly default: V;
  readonly description: string;
}

export type Tunable = TunableInt | TunableBool | TunableEnum;

/** The value a config gives a tunable: number, boolean, or one of the enum's names. */
export type TunableValue<T> = T extends { readonly type: 'int' }
  ? number
  : T extends { readonly type: 'bool' }
    ? boolean
    : T extends { readonly type: 'enum'; readonly values: readonly (infer V)[] }
      ? V
      : never;

/** A capability a box needs from the box chosen for another slot. */
export interface CapabilityRequirement {
  readonly slot: SlotName;
  readonly capability: string;
}

/**
 * Shared mechanism a slot package publishes for boxes to build on, its own and other
 * packages' alike (refill's slabs, the free gate's routing, ...). Its header states the
 * contract: what it defines for the box, what the box must define, what it assumes.
 */
export interface BoxBase {
  /** e.g. 'slabs'. */
  readonly name: string;
  /** The package that ships it, e.g. '@hakmem/refill'. */
  readonly packageName: string;
  /** Absolute path of that package's directory. */
  readonly root: string;
  /** Directory of its header, relative to root: on the include path of every box built on it. */
  readonly include: string;
  /** The header that states its contract, relative to `include` (`#include "<header>"`). */
  readonly header: string;
  /** C sources, relative to root; compiled before the box's own. */
  readonly sources: readonly string[];
  /** Tunables its sources read: every box built on it declares them too, of the same type
   * (spread them in; a box may give another default). */
  readonly tunables: Readonly<Record<string, Tunable>>;
}

/** What a package passes to `defineBase`. */
export type BaseSpec = Omit<BoxBase, 'root'>;

/** One box: an implementation of a slot. */
export interface BoxManifest {
  /** Equal to its key in `SlotPackage.boxes`. */
  readonly name: string;
  readonly description: string;
  /** Shared mechanism it builds on, from its own package or another slot package. */
  readonly base?: BoxBase;
  /** C sources, relative to the package root, e.g. 'c/tcache/hk_front_tcache.c'. */
  readonly sources: readonly string[];
  /** Capabilities this box offers to boxes of other slots. */
  readonly provides?: readonly string[];
  /** Capabilities this box needs from the boxes chosen for other slots. */
  readonly requires?: readonly CapabilityRequirement[];
  /** Bytes the box keeps in every chunk of slabs, right after the chunk's header page, for
   * state it keeps out of the blocks (a multiple of 4096, at most 49152): `HK_CHUNK_ROOM` in
   * the generated header, the largest a variant's boxes ask; slab 0 starts after it. */
  readonly chunkRoom?: number;
  readonly tunables: Readonly<Record<string, Tunable>>;
}

/** What a slot package default-exports: its slot, where it lives, its boxes. */
export interface SlotPackage<
  S extends SlotName = SlotName,
  B extends Readonly<Record<string, BoxManifest>> = Readonly<Record<string, BoxManifest>>,
  D extends keyof B & string = keyof B & string,
> {
  readonly slot: S;
  /** npm name, e.g. '@hakmem/front'. */
  readonly packageName: string;
  /** Absolute path of the package directory (holds package.json and c/). */
  readonly root: string;
  readonly boxes: B;
  /** The box a variant gets when it names none for this slot. */
  readonly defaultBox: D;
}

export interface SlotSpec<
  S extends SlotName,
  B extends Readonly<Record<string, BoxManifest>>,
  D extends keyof B & string = keyof B & string,
> {
  readonly slot: S;
  readonly packageName: string;
  readonly boxes: B;
  /** The box a variant gets when it names none for this slot, so a config written before the
   * slot existed still builds (default: the first box). */
  readonly defaultBox?: D;
}

/** Thrown when a slot package's manifest is malformed (a bug in that package). */
export class HakmemManifestError extends Error {
  override name = 'HakmemManifestError';
}

/** The most chunk room a box may ask: slab 0 (64 KiB, the header page first) keeps room for
 * at least one block of the largest small class (8 KiB + 64). */
export const MAX_CHUNK_ROOM = 49152;

const relativeInside = (p: string): boolean => !isAbsolute(p) && !p.split(/[\\/]/).includes('..');

/**
 * Declares a base (see `BoxBase`). `moduleUrl` is the caller's `import.meta.url`, as for
 * `defineSlot`; a box names it as `base` and spreads its `tunables` into its own.
 */
export function defineBase<const T extends Readonly<Record<string, Tunable>>>(
  moduleUrl: string | URL,
  spec: Omit<BaseSpec, 'tunables'> & { readonly tunables: T },
): BoxBase & { readonly tunables: T } {
  const where = `${spec.packageName} (base ${spec.name})`;
  const paths = [spec.include, ...spec.sources];
  if (!/^[a-z][a-z0-9_]*$/.test(spec.name))
    throw new HakmemManifestError(`${where}: name must match /^[a-z][a-z0-9_]*$/`);
  if (spec.sources.length === 0) throw new HakmemManifestError(`${where}: lists no sources`);
  if (!/^[\w.-]+\.h$/.test(spec.header))
    throw new HakmemManifestError(`${where}: header '${spec.header}' must be a file name ending in .h`);
  for (const p of paths) {
    if (!relativeInside(p)) throw new HakmemManifestError(`${where}: path '${p}' must be relative to the package root`);
  }
  const root = resolve(dirname(fileURLToPath(moduleUrl)), '..');
  return Object.freeze({ ...spec, root });
}

/** The box a variant runs where it names none for this slot: the package's `defaultBox`, else
 * (a spec that names none, or a package made before slots had defaults) its first box. */
export function defaultBoxOf(pkg: {
  readonly boxes: Readonly<Record<string, unknown>>;
  readonly defaultBox?: string;
}): string {
  return pkg.defaultBox ?? Object.keys(pkg.boxes)[0]!;
}

/**
 * Declares a slot package. Literal types (box names, tunable names, enum values)
 * are preserved so that `defineConfig` can type-check a config against them.
 *
 * `moduleUrl` is the caller's `import.meta.url`; the package root is the parent of
 * the directory holding that module (`dist/index.js` or `src/index.ts` -> package dir).
 */
export function defineSlot<
  const S extends SlotName,
  const B extends Readonly<Record<string, BoxManifest>>,
  const D extends keyof B & string = keyof B & string,
>(moduleUrl: string | URL, spec: SlotSpec<S, B, D>): SlotPackage<S, B, D> {
  const root = resolve(dirname(fileURLToPath(moduleUrl)), '..');
  checkSlotSpec(spec);
  const defaultBox = defaultBoxOf(spec) as D;
  return Object.freeze({ slot: spec.slot, packageName: spec.packageName, root, boxes: spec.boxes, defaultBox });
}

function checkSlotSpec(spec: SlotSpec<SlotName, Readonly<Record<string, BoxManifest>>, string>): void {
  const where = `${spec.packageName} (slot ${String(spec.slot)})`;
  const fail = (msg: string): never => {
    throw new HakmemManifestError(`${where}: ${msg}`);
  };
  if (!isSlotName(spec.slot)) fail(`unknown slot; slots: ${SLOT_ORDER.join(', ')}`);
  const names = Object.keys(spec.boxes);
  if (names.length === 0) fail('declares no boxes');
  if (spec.defaultBox !== undefined && !Object.hasOwn(spec.boxes, spec.defaultBox))
    fail(`default box '${String(spec.defaultBox)}' is not one of its boxes: ${names.join(', ')}`);
  for (const [key, box] of Object.entries(spec.boxes)) {
    if (!/^[a-z][a-z0-9_]*$/.test(key)) fail(`box name '${key}' must match /^[a-z][a-z0-9_]*$/`);
    if (box.name !== key) fail(`box '${key}' has name '${box.name}'`);
    if (box.sources.length === 0) fail(`box '${key}' lists no sources`);
    for (const src of box.sources) {
      if (!relativeInside(src)) {
        fail(`box '${key}' source '${src}' must be relative to the package root`);
      }
    }
    if (box.base !== undefined) {
      const b = box.base;
      if (typeof b !== 'object' || b === null || typeof b.root !== 'string' || !Array.isArray(b.sources)) {
        fail(`box '${key}': base must come from defineBase`);
      }
      for (const [tname, t] of Object.entries(b.tunables)) {
        const mine = box.tunables[tname];
        const same =
          mine !== undefined &&
          mine.type === t.type &&
          Boolean(mine.runtime) === Boolean(t.runtime) &&
          mine.env === t.env &&
          (t.type !== 'enum' || String((mine as TunableEnum).values) === String(t.values));
        if (!same)
          fail(
            `box '${key}' is built on base '${b.name}' and must declare its tunable '${tname}' as the base does (spread the base's tunables in; a box may change the default, not whether it is set at run time)`,
          );
      }
    }
    if (
      box.chunkRoom !== undefined &&
      !(
        Number.isInteger(box.chunkRoom) &&
        box.chunkRoom >= 0 &&
        box.chunkRoom % 4096 === 0 &&
        box.chunkRoom <= MAX_CHUNK_ROOM
      )
    )
      fail(
        `box '${key}': chunkRoom must be a multiple of 4096 from 0 to ${MAX_CHUNK_ROOM}, got ${String(box.chunkRoom)}`,
      );
    for (const req of box.requires ?? []) {
      if (!isSlotName(req.slot)) fail(`box '${key}' requires from unknown slot '${req.slot}'`);
      if (req.slot === spec.slot) fail(`box '${key}' requires from its own slot`);
    }
    for (const [tname, t] of Object.entries(box.tunables)) {
      if (!/^[a-z][A-Za-z0-9]*$/.test(tname)) fail(`tunable '${key}.${tname}' must be camelCase`);
      const tw = `tunable '${key}.${tname}'`;
      if (t.env !== undefined && (!t.runtime || !/^HAKMEM_[A-Z0-9_]+$/.test(t.env)))
        fail(`${tw}: env '${t.env}' needs runtime: true and must match /^HAKMEM_[A-Z0-9_]+$/`);
      switch (t.type) {
        case 'int':
          if (![t.default, t.min, t.max].every(Number.isSafeInteger)) fail(`${tw}: default, min, max must be integers`);
          if (t.min > t.max) fail(`${tw}: min > max`);
          if (t.default < t.min || t.default > t.max) fail(`${tw}: default ${t.default} outside [${t.min}, ${t.max}]`);
          break;
        case 'bool':
          if (typeof t.default !== 'boolean') fail(`${tw}: default must be a boolean`);
          break;
        case 'enum':
          if (t.values.length === 0) fail(`${tw}: no values`);
          if (!t.values.includes(t.default)) fail(`${tw}: default '${t.default}' not among values`);
          for (const v of t.values)
            if (!/^[a-z][a-z0-9_]*$/.test(v)) fail(`${tw}: value '${v}' must match /^[a-z][a-z0-9_]*$/`);
          break;
        default:
          fail(`${tw}: unknown type '${(t as { type: unknown }).type as string}'`);
      }
    }
  }
}
