import { existsSync, readFileSync } from 'node:fs';
import { SLOT_ORDER, defaultSlotPackage } from '@hakmem/native';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HakmemConfigError } from './errors.js';
import { validateConfig, type LoadedConfig } from './validate.js';

export const CONFIG_NAMES = ['hakmem.config.ts', 'hakmem.config.mts', 'hakmem.config.mjs', 'hakmem.config.js'] as const;

/** The package globs of the workspace rooted at `dir` (pnpm-workspace.yaml, or package.json `workspaces`), if it is one. */
function workspaceGlobs(dir: string): string[] | undefined {
  const yaml = join(dir, 'pnpm-workspace.yaml');
  if (existsSync(yaml)) {
    // the `packages:` list: `  - glob` lines up to the next top-level key
    const globs: string[] = [];
    let inPackages = false;
    for (const line of readFileSync(yaml, 'utf8').split('\n')) {
      if (/^\S/.test(line)) inPackages = /^packages\s*:/.test(line);
      const m = inPackages ? /^\s+-\s*['"]?([^'"#]+?)['"]?\s*(#.*)?$/.exec(line) : null;
      if (m?.[1]) globs.push(m[1]);
    }
    return globs;
  }
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return undefined;
  try {
    const w = (JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces;
    const list = Array.isArray(w) ? w : (w as { packages?: unknown } | undefined)?.packages;
    return Array.isArray(list) ? list.filter((g): g is string => typeof g === 'string') : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the relative path `rel` matches a workspace glob (`*` one segment, `**` any depth; `!` excludes). */
function inWorkspace(rel: string, globs: readonly string[]): boolean {
  const re = (g: string) =>
    new RegExp(
      `^${g
        .replace(/^\.\//, '')
        .replace(/\/+$/, '')
        .split(/(\*\*\/?|\*)/)
        .map((part) =>
          part === '**/'
            ? '(?:.*/)?'
            : part === '**'
              ? '.*'
              : part === '*'
                ? '[^/]*'
                : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('')}$`,
    );
  let member = false;
  for (const g of globs) {
    if (g.startsWith('!')) {
      if (re(g.slice(1)).test(rel)) member = false;
    } else if (re(g).test(rel)) member = true;
  }
  return member;
}

/**
 * What bounds the config search from `start`: the nearest directory with a package.json (the
 * project) and, when that project is a package of a workspace (or a workspace itself), the
 * workspace's root. Both undefined when no package.json is found (the search then goes to `/`).
 */
function projectBoundary(start: string): { project?: string; workspace?: string } {
  let project: string | undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    if (!project && existsSync(join(dir, 'package.json'))) project = dir;
    if (project) {
      const globs = workspaceGlobs(dir);
      if (globs && (dir === project || inWorkspace(relative(dir, project), globs))) return { project, workspace: dir };
    }
    if (dirname(dir) === dir) return { project };
  }
}

/**
 * The nearest hakmem.config.* in `from` or a parent directory, up to the project that holds
 * `from`: the search stops at the nearest directory with a package.json, since a config above
 * the project belongs to someone else; for a package of a workspace, at the workspace's root.
 */
export function findConfig(from: string = process.cwd()): string {
  const start = resolve(from);
  const { project, workspace } = projectBoundary(start);
  const boundary = workspace ?? project;
  for (let dir = start; ; dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    if (dir === boundary || dirname(dir) === dir) break;
  }
  const where = !boundary
    ? `${start} or any parent directory (no package.json above it)`
    : boundary === start
      ? `${start} (the project: the search stops at the nearest package.json)`
      : workspace && workspace !== project
        ? `${start} or a parent directory up to the workspace root ${workspace} (the search stops at the root of the workspace that holds the nearest package.json, ${project})`
        : `${start} or a parent directory up to the project at ${boundary} (the search stops at the nearest package.json)`;
  throw new HakmemConfigError(`no hakmem.config.ts in ${where}; create one, or pass --config <path>`);
}

/** A jiti loader for imports from the file `from`: no cache on disk or in memory (an edited config
 * loads afresh). jiti (and its bundled Babel) is imported on first use: commands that read no
 * config, and programs that import the composer for its other API, start without it. */
async function loader(from: string) {
  const { createJiti } = await import('jiti');
  return createJiti(from, { fsCache: false, moduleCache: false, interopDefault: false });
}

/**
 * Imports a config file and returns its default export. TypeScript is compiled in memory by
 * jiti, nothing is written; imports are resolved by Node's rules from the config's directory,
 * and installed packages (the composer, box packages) are loaded by Node itself.
 */
export async function importConfig(path: string): Promise<unknown> {
  const file = resolve(path);
  if (!existsSync(file)) throw new HakmemConfigError(`config not found: ${file}`);
  let mod: { default?: unknown };
  try {
    mod = await (await loader(file)).import<{ default?: unknown }>(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // jiti reports a syntax error in the config as `ParseError: <what> \n <file>:<line>:<col>`
    // (a SyntaxError is one the config's code throws when it runs, e.g. from JSON.parse)
    if (/^ParseError:/.test(e.message)) {
      const what = e.message
        .replace(/^ParseError:\s*/, '')
        .replace(/\s*\n\s*/g, ' at ')
        .trim();
      throw new HakmemConfigError(`cannot compile ${file}: ${what}`);
    }
    const missing = e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND';
    const hint =
      missing && /@hakmem\//.test(e.message)
        ? ' (are the @hakmem packages it imports installed? e.g. `npm install -D @hakmem/compose`)'
        : '';
    throw new HakmemConfigError(`cannot load ${file}: ${e.message}${hint}`);
  }
  if (mod.default === undefined) {
    throw new HakmemConfigError(`${file} has no default export; write \`export default defineConfig({ ... })\``);
  }
  return mod.default;
}

interface InstalledPackage {
  readonly dir: string;
  readonly manifest: {
    name?: string;
    exports?: { '.'?: { import?: string | { default?: string } } };
    module?: string;
    main?: string;
  };
}

/** Installed package `name` as seen from `from` (a directory): its folder and package.json. */
async function resolvePackage(name: string, from: string): Promise<InstalledPackage | undefined> {
  const url = (await loader(join(from, '_'))).esmResolve(name, { try: true });
  if (!url) return undefined;
  for (let dir = dirname(fileURLToPath(url)); dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as InstalledPackage['manifest'];
    if (manifest.name === name) return { dir, manifest };
  }
  return undefined;
}

/** The default export of a package, from its ESM entry (`exports['.'].import`, a path or
 * `{ types, default }`, else `module`/`main`): a resolver may answer with the CommonJS build,
 * whose default export would be the whole of module.exports. */
async function importPackage({ dir, manifest }: InstalledPackage): Promise<unknown> {
  const imp = manifest.exports?.['.']?.import;
  const entry = (typeof imp === 'string' ? imp : imp?.default) ?? manifest.module ?? manifest.main ?? 'index.js';
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
    const installed = (await resolvePackage(name, configDir)) ?? (await resolvePackage(name, self));
    if (!installed) {
      throw new HakmemConfigError(
        `config.slots.${slot} is not given and ${name} is not installed; install it, or import a package for slot ${slot}`,
      );
    }
    slots[slot] = await importPackage(installed);
  }
  return { ...(raw as object), slots };
}

/** Finds (unless given), imports and validates a config. */
export async function loadConfig(path?: string): Promise<LoadedConfig> {
  const file = path ? resolve(path) : findConfig();
  const raw = await withDefaultSlots(await importConfig(file), dirname(file));
  return validateConfig(raw, { path: file });
}
