import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildVariant, distDirOf, variantIncludes, type BuildOptions } from './build.js';
import { variantKey } from './build-key.js';
import { BASE_CFLAGS } from './compile.js';
import { configHeader, variantJson, variantUnit } from './generate.js';
import { getVariant, type LoadedConfig, type ResolvedVariant } from './validate.js';

/** Beside the library: the variantKey it was built from. `hakmem build` replaces the whole
 * directory, so a build by any other way leaves no key and is never taken for this one. */
const KEY_FILE = 'build-key';

export interface Reused {
  /** dist/<variant>, absolute. */
  readonly distDir: string;
  /** false: dist/<variant> was built from the same inputs already and is used as it is. */
  readonly compiled: boolean;
  /** Compiler warnings of the build, if it ran. */
  readonly diagnostics: string;
}

/** variantKey, and what the generator makes of the variant (so a changed generator, flags or
 * description is a new build too): the two generated sources as buildVariant writes them. */
function reuseKey(config: LoadedConfig, v: ResolvedVariant): string {
  const json = variantJson(v, { cc: 'gcc', cflags: [...BASE_CFLAGS], includes: variantIncludes(v) });
  return createHash('sha256')
    .update(`${variantKey(v)}\0${configHeader(v, json)}\0${variantUnit(v, config.slots)}`)
    .digest('hex')
    .slice(0, 16);
}

/** Builds dist/<variant>/ unless it holds a build of the same boxes, tunables and sources. */
export async function buildUnlessCurrent(config: LoadedConfig, name: string, opts: BuildOptions = {}): Promise<Reused> {
  const distDir = distDirOf(config.rootDir, name);
  const key = reuseKey(config, getVariant(config, name));
  const keyFile = join(distDir, KEY_FILE);
  const current =
    existsSync(join(distDir, 'libhakmem.so')) && existsSync(keyFile) && readFileSync(keyFile, 'utf8').trim() === key;
  if (current) return { distDir, compiled: false, diagnostics: '' };
  const built = await buildVariant(config, name, opts);
  writeFileSync(join(built.distDir, KEY_FILE), `${key}\n`);
  return { distDir: built.distDir, compiled: true, diagnostics: built.diagnostics };
}
