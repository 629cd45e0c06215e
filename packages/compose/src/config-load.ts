import { existsSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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
        ? ' (are the packages installed and built? run `pnpm install && pnpm build`)'
        : '';
    throw new HakmemConfigError(`cannot load ${file}: ${e.message}${hint}`);
  } finally {
    if (temp) rmSync(temp, { force: true });
  }
}

/** Finds (unless given), imports and validates a config. */
export async function loadConfig(path?: string): Promise<LoadedConfig> {
  const file = path ? resolve(path) : findConfig();
  const raw = await importConfig(file);
  return validateConfig(raw, { path: file });
}
