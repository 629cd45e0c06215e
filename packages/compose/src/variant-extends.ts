import { defaultBoxOf, isSlotName, type SlotName, type SlotPackage } from '@hakmem/native';
import { HakmemConfigError } from './errors.js';

type Raw = Record<string, unknown>;

const isObject = (x: unknown): x is Raw => typeof x === 'object' && x !== null && !Array.isArray(x);
const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : (JSON.stringify(v) ?? String(v)));

/**
 * The variants with every `extends` applied, so validation sees each one complete: boxes are
 * the base's (itself flattened first) with the variant's own over them; tunables merge per slot,
 * the variant's own winning per tunable, except that a slot whose box the variant changes drops
 * the base's tunables for it (they belong to the other box). The description is not inherited.
 * A variant that is not an object, or has no `extends`, is passed on as it is.
 */
export function flattenVariants(
  slots: Readonly<Record<SlotName, SlotPackage>>,
  variants: Readonly<Raw>,
): Record<string, unknown> {
  const done = new Map<string, unknown>();
  // The box a slot runs under `boxes`: the one named, else the package's default.
  const boxOf = (boxes: Raw, slot: string): unknown =>
    boxes[slot] ?? (isSlotName(slot) && slots[slot] ? defaultBoxOf(slots[slot]) : undefined);

  const flatten = (name: string, chain: readonly string[]): unknown => {
    if (done.has(name)) return done.get(name);
    const raw = variants[name];
    if (!isObject(raw) || raw.extends === undefined) {
      done.set(name, raw);
      return raw;
    }
    const { extends: baseName, ...own } = raw;
    const at = `variant ${name}: `;
    if (typeof baseName !== 'string') fail(`${at}extends must name another variant, got ${show(baseName)}`);
    if (!Object.hasOwn(variants, baseName)) {
      fail(`${at}extends '${baseName}', which is not a variant; variants: ${Object.keys(variants).join(', ')}`);
    }
    const path = [...chain, name];
    if (path.includes(baseName)) {
      fail(`${at}extends goes round in a cycle: ${[...path.slice(path.indexOf(baseName)), baseName].join(' -> ')}`);
    }
    const base = flatten(baseName, path);
    const baseBoxes = isObject(base) && isObject(base.boxes) ? base.boxes : {};
    const baseTunables = isObject(base) && isObject(base.tunables) ? base.tunables : {};
    const ownBoxes = own.boxes ?? {};
    const ownTunables = own.tunables ?? {};
    // Not objects: passed on for validation to name.
    if (!isObject(ownBoxes) || !isObject(ownTunables)) {
      done.set(name, raw);
      return raw;
    }
    const boxes = { ...baseBoxes, ...ownBoxes };
    const tunables: Raw = {};
    for (const slot of new Set([...Object.keys(baseTunables), ...Object.keys(ownTunables)])) {
      const mine = ownTunables[slot];
      const inherited = slot !== 'core' && boxOf(boxes, slot) !== boxOf(baseBoxes, slot) ? {} : baseTunables[slot];
      const merged = isObject(mine) && isObject(inherited) ? { ...inherited, ...mine } : (mine ?? inherited);
      if (merged !== undefined) tunables[slot] = merged;
    }
    const flat = { ...own, boxes, tunables };
    done.set(name, flat);
    return flat;
  };

  return Object.fromEntries(Object.keys(variants).map((name) => [name, flatten(name, [])]));
}

function fail(msg: string): never {
  throw new HakmemConfigError(msg);
}
