import { existsSync, readFileSync, rmSync } from 'node:fs';
import { SLOT_ORDER, defaultSlotPackage } from '@hakmem/native';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { HakmemConfigError } from './errors.js';
import { validateConfig, type LoadedConfig } from './validate.js';

export const CONFIG_NAMES = ['hakmem.config.ts', 'hakmem.config.mts', 'hakmem.config.mjs', 'hakmem.config.js'] as const;

/** The nearest hakmem.config.* in `from` or a parent directory. */
export function findConfig(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new HakmemConfigError(`no hakmem.config.ts in ${resolve(from)} or any parent directory; pass --config <path>`);
}

/**
 * Imports a config file and returns its default export. TypeScript is bundled
 * with esbuild (dependencies stay external) into a temporary .mjs next to the
 * config, so bare imports resolve from the config's directory; the temp file is
 * removed afterwards.
 */
export async function importConfig(path: string): Promise<unknown> {
  const file = resolve(path);
  if (!existsSync(file)) throw new HakmemConfigError(`config not found: ${file}`);
  const ext = extname(file);
  let target = file;
  let temp: string | undefined;
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') {
    temp = join(dirname(file), `.${basename(file, ext)}.${process.pid}-${Date.now().toString(36)}.tmp.mjs`);
    try {
      await build({
        entryPoints: [file],
        outfile: temp,
        bundle: true,
        packages: 'external',
        format: 'esm',
        platform: 'node',
        target: 'node20',
        logLevel: 'silent',
        write: true,
      });
    } catch (err) {
      rmSync(temp, { force: true });
      throw new HakmemConfigError(`cannot compile ${file}: ${(err as Error).message}`);
    }
    target = temp;
  }
  try {
    const mod = (await import(pathToFileURL(target).href)) as { default?: unknown };
    if (mod.default === undefined) {
      throw new HakmemConfigError(`${file} has no default export; write \`export default defineConfig({ ... })\``);
    }
    return mod.default;
  } catch (err) {
    if (err instanceof HakmemConfigError) throw err;
    const e = err as NodeJS.ErrnoException;
    const hint =
      e.code === 'ERR_MODULE_NOT_FOUND' && /@hakmem\//.test(e.message)
        ? ' (are the @hakmem packages it imports installed? e.g. `npm install -D @hakmem/compose`)'
        : '';
    throw new HakmemConfigError(`cannot load ${file}: ${e.message}${hint}`);
  } finally {
    if (temp) rmSync(temp, { force: true });
  }
}

/** The directory of an installed package, looked up in node_modules from `from` upwards. */
function findPackage(name: string, from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const p = join(dir, 'node_modules', name);
    if (existsSync(join(p, 'package.json'))) return p;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Imports an installed package's ESM entry (its `exports['.'].import`, a path or
 * `{ types, default }`, else `main`). */
async function importPackage(dir: string): Promise<unknown> {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports?: { '.'?: { import?: string | { default?: string } } };
    main?: string;
  };
  const imp = pkg.exports?.['.']?.import;
  const entry = (typeof imp === 'string' ? imp : imp?.default) ?? pkg.main ?? 'index.js';
  return ((await import(pathToFileURL(join(dir, entry)).href)) as { default?: unknown }).default;
}

/**
 * A slot the config's `slots` leaves out is served by its default package (@hakmem/<slot>),
 * found from the config's directory, else from the composer's own: so a slot added after the
 * config was written does not break it.
 */
export async function withDefaultSlots(raw: unknown, configDir: string): Promise<unknown> {
  if (typeof raw !== 'object' || raw === null) return raw;
  const given = (raw as { slots?: unknown }).slots;
  if (typeof given !== 'object' || given === null) return raw;
  const slots: Record<string, unknown> = { ...(given as Record<string, unknown>) };
  const self = dirname(fileURLToPath(import.meta.url));
  for (const slot of SLOT_ORDER) {
    if (slots[slot] !== undefined) continue;
    const name = defaultSlotPackage(slot);
    const dir = findPackage(name, configDir) ?? findPackage(name, self);
    if (!dir) {
      throw new HakmemConfigError(
        `config.slots.${slot} is not given and ${name} is not installed; install it, or import a package for slot ${slot}`,
      );
    }
    slots[slot] = await importPackage(dir);
  }
  return { ...(raw as object), slots };
}

/** Finds (unless given), imports and validates a config. */
export async function loadConfig(path?: string): Promise<LoadedConfig> {
  const file = path ? resolve(path) : findConfig();
  const raw = await withDefaultSlots(await importConfig(file), dirname(file));
  return validateConfig(raw, { path: file });
}
