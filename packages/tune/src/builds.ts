/**
 * The libraries `hakmem tune` runs. Most tunables are runtime ones (read from HAKMEM_<SLOT>_<NAME>
 * at start-up), so candidates that differ only in those share one build and get their values
 * from the environment; a build is keyed by a hash of what is compiled in (boxes, build-time
 * tunables, every source file), so a rerun or a resumed run builds nothing twice.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tunableEnvName, type SlotName } from '@hakmem/native';
import {
  buildVariant,
  variantKey,
  type LoadedConfig,
  type ResolvedVariant,
  type TunableSetting,
} from '@hakmem/compose';

const envValue = (v: TunableSetting): string => (typeof v === 'boolean' ? (v ? '1' : '0') : String(v));

/** The variant as compiled: every runtime tunable at its box's default. */
export function compiledPart(v: ResolvedVariant): ResolvedVariant {
  const tunables = {} as Record<SlotName, Record<string, TunableSetting>>;
  for (const [slot, b] of Object.entries(v.boxes) as Array<[SlotName, ResolvedVariant['boxes'][SlotName]]>) {
    tunables[slot] = { ...v.tunables[slot] };
    for (const [name, t] of Object.entries(b.manifest.tunables)) if (t.runtime) tunables[slot][name] = t.default;
  }
  return { ...v, tunables };
}

/** The variables that give the library built from compiledPart(v) the runtime values of v. */
export function runtimeEnv(v: ResolvedVariant): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [slot, b] of Object.entries(v.boxes)) {
    for (const [name, t] of Object.entries(b.manifest.tunables)) {
      const value = v.tunables[slot as SlotName][name];
      if (t.runtime && value !== undefined && value !== t.default) env[tunableEnvName(slot, name)] = envValue(value);
    }
  }
  return env;
}

/** The key of a compiled variant: its boxes, compiled-in tunables, the sources of core and boxes,
 * and the toolchain variables the build honours. */
export const buildKey = (v: ResolvedVariant, env: NodeJS.ProcessEnv = process.env): string =>
  variantKey(compiledPart(v), env);

export interface Built {
  readonly key: string;
  /** The library to preload. */
  readonly lib: string;
  /** Whether this call compiled it (false: it was in the cache). */
  readonly compiled: boolean;
}

/** Builds compiledPart(v) into <cacheDir>/<key>/ unless it is there already (`key`: buildKey(v),
 * when the caller has it: it hashes every source file). */
export async function ensureBuilt(
  config: LoadedConfig,
  v: ResolvedVariant,
  cacheDir: string,
  key = buildKey(v),
): Promise<Built> {
  const distDir = join(cacheDir, key);
  const lib = join(distDir, 'libhakmem.so');
  if (existsSync(lib)) return { key, lib, compiled: false };
  const name = `tune-${key}`;
  const one: LoadedConfig = { ...config, variants: { [name]: { ...compiledPart(v), name } } };
  // the library only: a tune preloads it, and the Node addon would double the compile
  await buildVariant(one, name, { distDir, buildDir: join(cacheDir, '.build', key), addon: false });
  return { key, lib, compiled: true };
}
