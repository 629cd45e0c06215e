import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CORE_TUNABLES,
  SLOT_ORDER,
  defaultBoxOf,
  isSlotName,
  nativeRoot,
  type BoxManifest,
  type SlotName,
  type SlotPackage,
  type Tunable,
} from '@hakmem/native';
import { HakmemConfigError } from './errors.js';
import { flattenVariants } from './variant-extends.js';

export type TunableSetting = number | boolean | string;

/** A config that passed validation; every variant in it resolves. */
export interface LoadedConfig {
  /** The config file, when loaded from one. */
  readonly path: string | undefined;
  /** Where .hakmem/ and dist/ go: the config file's directory. */
  readonly rootDir: string;
  readonly slots: Readonly<Record<SlotName, SlotPackage>>;
  readonly variants: Readonly<Record<string, ResolvedVariant>>;
}

export interface ResolvedBox {
  readonly slot: SlotName;
  readonly box: string;
  readonly manifest: BoxManifest;
  readonly packageName: string;
  readonly version: string;
  readonly root: string;
  /** Absolute paths of the C sources: its base's, then its own, in manifest order. */
  readonly sources: readonly string[];
  /** Absolute include directories its sources need (its base's header directory). */
  readonly includes: readonly string[];
}

/** A variant with every box resolved and every tunable filled in. */
export interface ResolvedVariant {
  readonly name: string;
  readonly description: string;
  /** hakmem's version (@hakmem/native). */
  readonly version: string;
  readonly boxes: Readonly<Record<SlotName, ResolvedBox>>;
  readonly tunables: Readonly<Record<SlotName, Readonly<Record<string, TunableSetting>>>>;
  /** The core's tunables (CORE_TUNABLES), every one filled in. */
  readonly core: Readonly<Record<string, TunableSetting>>;
}

const VARIANT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const list = (xs: readonly string[]): string => (xs.length ? xs.join(', ') : '(none)');
const show = (v: unknown): string =>
  typeof v === 'string' ? `'${v}'` : typeof v === 'bigint' ? `${v}n` : (JSON.stringify(v) ?? String(v));
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function fail(msg: string): never {
  throw new HakmemConfigError(msg);
}

const versionCache = new Map<string, string>();
function packageVersion(root: string): string {
  let v = versionCache.get(root);
  if (v === undefined) {
    try {
      v = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
    } catch {
      v = '0.0.0';
    }
    versionCache.set(root, v);
  }
  return v;
}

/** hakmem's own version: the version of @hakmem/native. */
export const hakmemVersion = (): string => packageVersion(nativeRoot);

function checkSlots(raw: unknown): Record<SlotName, SlotPackage> {
  if (!isObject(raw)) fail(`config.slots is missing; it maps each slot to its package: ${SLOT_ORDER.join(', ')}`);
  for (const key of Object.keys(raw)) {
    if (!isSlotName(key)) fail(`unknown slot '${key}' in config.slots; slots: ${SLOT_ORDER.join(', ')}`);
  }
  for (const slot of SLOT_ORDER) {
    const pkg = raw[slot];
    if (pkg === undefined)
      fail(`config.slots.${slot} is missing; import it from '@hakmem/${slot}' (loadConfig fills it in when installed)`);
    if (!isObject(pkg) || typeof pkg.root !== 'string' || !isObject(pkg.boxes) || typeof pkg.packageName !== 'string') {
      fail(
        `config.slots.${slot} is not a slot package (expected the default export of a package like @hakmem/${slot})`,
      );
    }
    if (pkg.slot !== slot)
      fail(`config.slots.${slot} is ${String(pkg.packageName)}, a package for slot ${String(pkg.slot)}`);
    if (
      pkg.defaultBox !== undefined &&
      (typeof pkg.defaultBox !== 'string' || !Object.hasOwn(pkg.boxes, pkg.defaultBox))
    ) {
      fail(
        `config.slots.${slot} (${String(pkg.packageName)}): default box ${show(pkg.defaultBox)} is not one of its boxes`,
      );
    }
  }
  return raw as unknown as Record<SlotName, SlotPackage>;
}

function checkValue(where: string, t: Tunable, v: unknown): TunableSetting {
  switch (t.type) {
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v)) fail(`${where} must be an integer, got ${show(v)}`);
      if (v < t.min || v > t.max) fail(`${where} = ${v} is out of range [${t.min}, ${t.max}]`);
      return v;
    case 'bool':
      if (typeof v !== 'boolean') fail(`${where} must be a boolean, got ${show(v)}`);
      return v;
    case 'enum':
      if (typeof v !== 'string') fail(`${where} must be one of ${list(t.values)}, got ${show(v)}`);
      if (!t.values.includes(v)) fail(`${where} = ${show(v)} is not allowed; values: ${list(t.values)}`);
      return v;
  }
}

/** Resolves one variant of a config whose slots are valid. */
export function resolveVariantInput(
  slots: Readonly<Record<SlotName, SlotPackage>>,
  name: string,
  raw: unknown,
): ResolvedVariant {
  const at = `variant ${name}: `;
  if (!VARIANT_NAME.test(name)) fail(`variant name '${name}' must match ${VARIANT_NAME} (it names a directory)`);
  if (!isObject(raw))
    fail(`${at}expected { description, boxes, tunables? } or { description, extends, boxes?, tunables? }`);
  const description = raw.description ?? '';
  if (typeof description !== 'string') fail(`${at}description must be a string`);
  const boxesIn = raw.boxes;
  if (!isObject(boxesIn))
    fail(
      `${at}boxes is missing; choose a box per slot (a slot left out runs its default), or extend a variant: ` +
        SLOT_ORDER.join(', '),
    );
  const tunablesIn = raw.tunables ?? {};
  if (!isObject(tunablesIn)) fail(`${at}tunables must be an object keyed by slot`);
  for (const key of [...Object.keys(boxesIn), ...Object.keys(tunablesIn).filter((k) => k !== 'core')]) {
    if (!isSlotName(key)) fail(`${at}unknown slot '${key}'; slots: ${SLOT_ORDER.join(', ')} (and 'core' for tunables)`);
  }

  const boxes = {} as Record<SlotName, ResolvedBox>;
  for (const slot of SLOT_ORDER) {
    const pkg = slots[slot];
    const names = Object.keys(pkg.boxes);
    const choice = boxesIn[slot] ?? defaultBoxOf(pkg);
    if (typeof choice !== 'string' || !Object.hasOwn(pkg.boxes, choice)) {
      fail(`${at}slot ${slot} has no box ${show(choice)}; boxes: ${list(names)}`);
    }
    const manifest = pkg.boxes[choice]!;
    boxes[slot] = {
      slot,
      box: choice,
      manifest,
      packageName: pkg.packageName,
      version: packageVersion(pkg.root),
      root: pkg.root,
      sources: [
        ...(manifest.base?.sources.map((s) => join(manifest.base!.root, s)) ?? []),
        ...manifest.sources.map((s) => join(pkg.root, s)),
      ],
      includes: manifest.base ? [join(manifest.base.root, manifest.base.include)] : [],
    };
  }

  const unmet: string[] = [];
  for (const slot of SLOT_ORDER) {
    const { manifest, box } = boxes[slot];
    for (const req of manifest.requires ?? []) {
      const other = boxes[req.slot];
      if (!(other.manifest.provides ?? []).includes(req.capability)) {
        unmet.push(
          `${slot}/${box} needs capability '${req.capability}' from slot ${req.slot}, ` +
            `which ${req.slot}/${other.box} does not provide (it provides: ${list(other.manifest.provides ?? [])})`,
        );
      }
    }
  }
  if (unmet.length) fail(`${at}${unmet.join(`\n${at}`)}`);

  const tunables = {} as Record<SlotName, Record<string, TunableSetting>>;
  for (const slot of SLOT_ORDER) {
    const { manifest, box } = boxes[slot];
    const given = tunablesIn[slot] ?? {};
    if (!isObject(given)) fail(`${at}tunables.${slot} must be an object`);
    const known = Object.keys(manifest.tunables);
    for (const key of Object.keys(given)) {
      if (!Object.hasOwn(manifest.tunables, key)) {
        fail(`${at}tunable ${slot}.${key} unknown for box ${box}; tunables: ${list(known)}`);
      }
    }
    const out: Record<string, TunableSetting> = {};
    for (const [key, t] of Object.entries(manifest.tunables)) {
      const v = given[key];
      out[key] = v === undefined ? t.default : checkValue(`${at}${slot}.${key}`, t, v);
    }
    tunables[slot] = out;
  }

  const coreIn = tunablesIn.core ?? {};
  if (!isObject(coreIn)) fail(`${at}tunables.core must be an object`);
  for (const key of Object.keys(coreIn)) {
    if (!Object.hasOwn(CORE_TUNABLES, key))
      fail(`${at}tunable core.${key} unknown; core tunables: ${list(Object.keys(CORE_TUNABLES))}`);
  }
  const core: Record<string, TunableSetting> = {};
  for (const [key, t] of Object.entries(CORE_TUNABLES)) {
    const v = coreIn[key];
    core[key] = v === undefined ? t.default : checkValue(`${at}core.${key}`, t, v);
  }

  return { name, description, version: hakmemVersion(), boxes, tunables, core };
}

/**
 * Checks a config value (from hakmem.config.ts or plain JS) and resolves every
 * variant (its `extends` applied first); throws HakmemConfigError naming what exists.
 */
export function validateConfig(raw: unknown, opts: { path?: string; rootDir?: string } = {}): LoadedConfig {
  if (!isObject(raw)) fail('the config must default-export defineConfig({ slots, variants })');
  const slots = checkSlots(raw.slots);
  const variantsIn = raw.variants;
  if (!isObject(variantsIn) || Object.keys(variantsIn).length === 0) {
    fail('config.variants declares no variants; add one, e.g. variants: { default: { description, boxes } }');
  }
  const variants: Record<string, ResolvedVariant> = {};
  for (const [name, v] of Object.entries(flattenVariants(slots, variantsIn))) {
    variants[name] = resolveVariantInput(slots, name, v);
  }
  const rootDir = opts.rootDir ?? (opts.path ? dirname(opts.path) : process.cwd());
  return { path: opts.path, rootDir, slots, variants };
}

/** The resolved variant `name`, or an error listing the variants. */
export function getVariant(config: LoadedConfig, name: string): ResolvedVariant {
  const v = Object.hasOwn(config.variants, name) ? config.variants[name] : undefined;
  if (!v) fail(`variant '${name}' not found; variants: ${list(Object.keys(config.variants))}`);
  return v;
}
