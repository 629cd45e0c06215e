import {
  ENV_OPTIONS,
  SLOT_ORDER,
  defaultBoxOf,
  tunableEnvName,
  tunableEnvOptions,
  type EnvOption,
  type SlotName,
  type Tunable,
} from '@hakmem/native';
import type { LoadedConfig, TunableSetting } from './validate.js';
import { hakmemVersion } from './validate.js';

export interface TunableInfo {
  name: string;
  type: Tunable['type'];
  default: TunableSetting;
  description: string;
  min?: number;
  max?: number;
  unit?: string;
  values?: string[];
  /** A runtime tunable's environment variables (HAKMEM_<SLOT>_<NAME>, then its shorter name). */
  env?: string[];
}

export interface BoxInfo {
  name: string;
  description: string;
  /** The base it builds on, as `package/name`, or null. */
  base: string | null;
  sources: string[];
  provides: string[];
  requires: { slot: SlotName; capability: string }[];
  tunables: TunableInfo[];
}

export interface SlotInfo {
  slot: SlotName;
  package: string;
  version: string;
  /** The box a variant that names none for this slot runs. */
  defaultBox: string;
  boxes: BoxInfo[];
}

export interface VariantInfo {
  name: string;
  description: string;
  boxes: Record<SlotName, string>;
  tunables: Record<SlotName, Record<string, TunableSetting>>;
}

/** What `hakmem list --json` prints. */
export interface Listing {
  config: string | null;
  version: string;
  slots: SlotInfo[];
  variants: VariantInfo[];
}

function tunableInfo(slot: SlotName, name: string, t: Tunable): TunableInfo {
  const env = t.runtime ? { env: [tunableEnvName(slot, name), ...(t.env ? [t.env] : [])] } : {};
  const base = { name, type: t.type, default: t.default, description: t.description, ...env };
  switch (t.type) {
    case 'int':
      return { ...base, min: t.min, max: t.max, ...(t.unit ? { unit: t.unit } : {}) };
    case 'bool':
      return base;
    case 'enum':
      return { ...base, values: [...t.values] };
  }
}

export function listing(config: LoadedConfig): Listing {
  const versions = Object.values(config.variants)[0]?.boxes;
  return {
    config: config.path ?? null,
    version: hakmemVersion(),
    slots: SLOT_ORDER.map((slot) => {
      const pkg = config.slots[slot];
      return {
        slot,
        package: pkg.packageName,
        version: versions?.[slot].version ?? '',
        defaultBox: defaultBoxOf(pkg),
        boxes: Object.entries(pkg.boxes).map(([name, b]) => ({
          name,
          description: b.description,
          base: b.base ? `${b.base.packageName}/${b.base.name}` : null,
          sources: [...(b.base?.sources ?? []), ...b.sources],
          provides: [...(b.provides ?? [])],
          requires: (b.requires ?? []).map((r) => ({ slot: r.slot, capability: r.capability })),
          tunables: Object.entries(b.tunables).map(([n, t]) => tunableInfo(slot, n, t)),
        })),
      };
    }),
    variants: Object.values(config.variants).map((v) => ({
      name: v.name,
      description: v.description,
      boxes: Object.fromEntries(SLOT_ORDER.map((s) => [s, v.boxes[s].box])) as Record<SlotName, string>,
      tunables: Object.fromEntries(SLOT_ORDER.map((s) => [s, { ...v.tunables[s] }])) as VariantInfo['tunables'],
    })),
  };
}

const fmt = (v: TunableSetting): string => (typeof v === 'string' ? `'${v}'` : String(v));

/** `hakmem list` for people. */
export function formatListing(l: Listing): string {
  const out: string[] = [`hakmem ${l.version}${l.config ? ` (${l.config})` : ''}`, '', 'slots (in include order):'];
  for (const s of l.slots) {
    out.push(`  ${s.slot}  ${s.package}@${s.version}`);
    for (const b of s.boxes) {
      out.push(`    ${b.name}: ${b.description}`);
      if (b.provides.length) out.push(`      provides: ${b.provides.join(', ')}`);
      if (b.requires.length)
        out.push(`      requires: ${b.requires.map((r) => `${r.slot}:${r.capability}`).join(', ')}`);
      for (const t of b.tunables) {
        const range =
          t.type === 'int'
            ? ` [${t.min}, ${t.max}]${t.unit ? ` ${t.unit}` : ''}`
            : t.type === 'enum'
              ? ` {${t.values!.join(', ')}}`
              : '';
        const env = t.env ? ` [${t.env.join(' or ')}]` : '';
        out.push(`      ${t.name} (${t.type}) = ${fmt(t.default)}${range}${env}: ${t.description}`);
      }
    }
  }
  out.push('', 'variants:');
  for (const v of l.variants) {
    out.push(`  ${v.name}${v.description ? `: ${v.description}` : ''}`);
    out.push(`    ${SLOT_ORDER.map((s) => `${s}=${v.boxes[s]}`).join(' ')}`);
    const ts = SLOT_ORDER.flatMap((s) => Object.entries(v.tunables[s]).map(([k, x]) => `${s}.${k}=${fmt(x)}`));
    if (ts.length) out.push(`    ${ts.join(' ')}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * The environment variables a hakmem library built from these slot packages may read: the
 * core's, then one per runtime tunable of every box, in slot order. A variant reads those of
 * its own boxes (HAKMEM_VERBOSE=1 shows which, with their values).
 */
export function envOptions(slots: LoadedConfig['slots']): EnvOption[] {
  return [...ENV_OPTIONS, ...SLOT_ORDER.flatMap((s) => tunableEnvOptions(s, slots[s].boxes))];
}

/** `hakmem list --env`: the environment variables, one block each. */
export function formatEnvOptions(options: readonly EnvOption[]): string {
  const out = [
    'environment variables (read at start-up, without allocating; a bad value prints one line and keeps the built-in value):',
    '',
  ];
  for (const o of options) {
    const head = `  ${o.name}${o.alias ? ` (or ${o.alias})` : ''}  (${o.tunable ?? o.scope})`;
    const boxes = o.boxes ? ` (boxes: ${o.boxes.join(', ')})` : '';
    out.push(head, `    ${o.what}${boxes}`, `    accepts: ${o.accepts}; unset: ${o.default}`);
  }
  return `${out.join('\n')}\n`;
}
