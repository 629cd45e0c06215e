import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publicHeader, type VariantJson } from '@hakmem/native';
import {
  BASE_CFLAGS,
  buildCacheDir,
  compilePlan,
  findToolchain,
  isCrossTarget,
  runPlan,
  targetMachine,
  toolchainRecord,
  type Toolchain,
} from './compile.js';
import { CONFIG_HEADER, VARIANT_UNIT, configHeader, variantJson, variantUnit } from './generate.js';
import { pkgConfig } from './pkgconfig.js';
import { sourceNamer } from './source-names.js';
import { getVariant, type LoadedConfig, type ResolvedVariant } from './validate.js';

export interface BuildOptions {
  /** Environment used to find the toolchain (PATH, CC, CXX, AR, CFLAGS, LDFLAGS). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the library goes instead of dist/<variant> (hakmem tune's build cache). */
  readonly distDir?: string;
  /** Where the generated sources go instead of .hakmem/build/<variant>. */
  readonly buildDir?: string;
  /** Build the Node addon (hakmem.node) too; default: unless CC builds for another CPU (a
   * cross build: the addon could not load in this Node). */
  readonly addon?: boolean;
}

export interface BuildResult {
  readonly variant: string;
  /** dist/<variant>, absolute. */
  readonly distDir: string;
  /** .hakmem/build/<variant>, absolute. */
  readonly buildDir: string;
  /** Compiler warnings, if any. */
  readonly diagnostics: string;
  /** The machine CC builds for (cc -dumpmachine), when it says. */
  readonly target?: string;
  /** hakmem.node was built (no: a cross build, or addon: false). */
  readonly addon: boolean;
}

export const buildDirOf = (rootDir: string, variant: string): string => resolve(rootDir, '.hakmem', 'build', variant);
export const distDirOf = (rootDir: string, variant: string): string => resolve(rootDir, 'dist', variant);

/** The base include directories of a variant's boxes, in slot order. */
export const variantIncludes = (v: ResolvedVariant): string[] => Object.values(v.boxes).flatMap((b) => b.includes);

/** variant.json's `compiler`: the toolchain by name and the bases' include directories by
 * package (sourceNamer), so that neither the file nor the library names a build-machine path. */
export function compilerRecord(v: ResolvedVariant, rootDir: string, tc?: Toolchain): VariantJson['compiler'] {
  const includes = variantIncludes(v).map(sourceNamer(v, rootDir));
  return tc ? { ...toolchainRecord(tc), includes } : { cc: 'gcc', cflags: [...BASE_CFLAGS], includes };
}

/** Writes hk_variant_config.h and hakmem_variant.c into buildDir (`slots`: the config's slot
 * packages, so the option table knows every box's variables; `compiler`: variant.json's record
 * of the toolchain, compiled into the library). */
export function writeGenerated(
  v: ResolvedVariant,
  buildDir: string,
  slots?: LoadedConfig['slots'],
  compiler: VariantJson['compiler'] = { cc: 'gcc', cflags: [...BASE_CFLAGS] },
): void {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(join(buildDir, CONFIG_HEADER), configHeader(v, variantJson(v, compiler)));
  writeFileSync(join(buildDir, VARIANT_UNIT), variantUnit(v, slots));
}

/**
 * Builds one variant into dist/<variant>/. Everything is written to
 * dist/.<variant>.tmp-<pid>/ first and swapped in at the end, so a failed build
 * leaves the previous dist/<variant>/ (or none) as it was.
 */
export async function buildVariant(config: LoadedConfig, name: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const v = getVariant(config, name);
  const buildDir = opts.buildDir ?? buildDirOf(config.rootDir, name);
  const distDir = opts.distDir ?? distDirOf(config.rootDir, name);
  const distRoot = resolve(distDir, '..');
  const tmp = join(distRoot, `.${name}.tmp-${process.pid}`);
  const old = join(distRoot, `.${name}.old-${process.pid}`);

  const tc = findToolchain(opts.env);
  const target = targetMachine(tc);
  const addon = opts.addon ?? !isCrossTarget(target);
  rmSync(buildDir, { recursive: true, force: true });
  const json = variantJson(v, compilerRecord(v, config.rootDir, tc), { addon });
  writeGenerated(v, buildDir, config.slots, json.compiler);

  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'include'), { recursive: true });
  try {
    const diagnostics = await runPlan(
      compilePlan(tc, buildDir, tmp, variantIncludes(v), config.rootDir, {
        addon,
        cacheDir: buildCacheDir(config.rootDir, opts.env),
      }),
      config.rootDir,
    );
    copyFileSync(publicHeader, join(tmp, 'include', 'hakmem.h'));
    writeFileSync(join(tmp, 'hakmem.pc'), pkgConfig(v));
    writeFileSync(join(tmp, 'variant.json'), `${JSON.stringify(json, null, 2)}\n`);
    rmSync(old, { recursive: true, force: true });
    const hadOld = existsSync(distDir);
    if (hadOld) renameSync(distDir, old);
    try {
      renameSync(tmp, distDir);
    } catch (err) {
      if (hadOld) renameSync(old, distDir);
      throw err;
    }
    rmSync(old, { recursive: true, force: true });
    return { variant: name, distDir, buildDir, diagnostics, addon, ...(target ? { target } : {}) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
