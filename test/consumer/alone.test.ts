// Each of the four packages of the composer's side installs alone into a project outside the
// workspace, from packed tarballs: @hakmem/compose (what a config imports), @hakmem/cli (the
// `hakmem` command), @hakmem/tune and @hakmem/profile. The project depends on that one package;
// npm's overrides point the @hakmem packages it brings at their tarballs (they are not in a
// registry), so what gets installed is exactly what the package's manifest asks for. Needs
// `pnpm build` and npm with the registry (or its cache) for the third-party dependencies.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack, publishableDirs, readJson, repoRoot } from '../../scripts/packages.mjs';

let root: string;
/** name -> tarball, every publishable package */
const tarballs: Record<string, string> = {};

function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|PNPM_|pnpm_|VITEST|TURBO_|INIT_CWD$|NODE_OPTIONS$)/i.test(k)) continue;
    env[k] = v;
  }
  return env;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A fresh project that depends on `name` alone; returns its folder. */
function installAlone(name: string): string {
  const app = join(root, name.replace('@hakmem/', 'alone-'));
  mkdirSync(app, { recursive: true });
  const overrides = Object.fromEntries(
    Object.entries(tarballs)
      .filter(([n]) => n !== name)
      .map(([n, t]) => [n, `file:${t}`]),
  );
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'alone', private: true, type: 'module', dependencies: { [name]: `file:${tarballs[name]}` }, overrides }, null, 2)}\n`,
  );
  ok(
    spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: app,
      env: userEnv(),
      encoding: 'utf8',
      timeout: 240_000,
    }),
    `npm install ${name}`,
  );
  return app;
}

/** Runs an ES module in the project; returns its stdout. */
function node(app: string, code: string): string {
  writeFileSync(join(app, 'run.mjs'), code);
  return ok(spawnSync(process.execPath, ['run.mjs'], { cwd: app, env: userEnv(), encoding: 'utf8' }), 'node run.mjs');
}

const installed = (app: string): string[] => readdirSync(join(app, 'node_modules', '@hakmem')).sort();

describe('each of compose, cli, tune and profile installs alone', () => {
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'hakmem-alone-'));
    const dest = join(root, 'tarballs');
    mkdirSync(dest, { recursive: true });
    for (const dir of publishableDirs()) {
      if (!existsSync(join(dir, 'dist', 'index.js'))) throw new Error(`${dir}/dist is missing: run \`pnpm build\``);
      tarballs[readJson(join(dir, 'package.json')).name] = pack(dir, dest);
    }
  }, 300_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('@hakmem/compose: loads a config that names no package and lists its slots', () => {
    const app = installAlone('@hakmem/compose');
    // neither the command nor tune nor profile comes with the composer
    expect(installed(app)).not.toContain('cli');
    expect(installed(app)).not.toContain('tune');
    expect(installed(app)).not.toContain('profile');
    writeFileSync(
      join(app, 'hakmem.config.mjs'),
      "import { defineConfig } from '@hakmem/compose';\nexport default defineConfig({ slots: {}, variants: { v: { description: 'every default box', boxes: {} } } });\n",
    );
    const out = node(
      app,
      `import { listing, loadConfig } from '@hakmem/compose';
const l = listing(await loadConfig('hakmem.config.mjs'));
console.log(JSON.stringify({ variants: l.variants.map((v) => v.name), front: l.slots.find((s) => s.slot === 'front').package }));`,
    );
    expect(JSON.parse(out)).toEqual({ variants: ['v'], front: '@hakmem/front' });
  });

  it('@hakmem/cli: the hakmem command runs, with its own version and per-command help', () => {
    const app = installAlone('@hakmem/cli');
    expect(installed(app)).toEqual(expect.arrayContaining(['cli', 'compose', 'tune', 'profile']));
    const bin = join(app, 'node_modules', '.bin', 'hakmem');
    const version = readJson(join(repoRoot, 'packages', 'cli', 'package.json')).version;
    expect(ok(spawnSync(bin, ['--version'], { cwd: app, encoding: 'utf8' }), 'hakmem --version')).toBe(`${version}\n`);
    expect(ok(spawnSync(bin, ['tune', '--help'], { cwd: app, encoding: 'utf8' }), 'hakmem tune --help')).toMatch(
      /^usage: hakmem tune /,
    );
    const refused = spawnSync(bin, ['build', '--metric', 'cpu'], { cwd: app, encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe('hakmem build: unknown option --metric (hakmem tune takes it)\n');
  });

  it('@hakmem/tune: parses a metric and renders a variant, without the command', () => {
    const app = installAlone('@hakmem/tune');
    expect(installed(app)).not.toContain('cli');
    const out = node(
      app,
      `import { GOALS, parseMetric, variantSource } from '@hakmem/tune';
const m = parseMetric('ops/s: ([0-9.]+)', true);
const src = variantSource({ name: 'tuned', extends: 'default', description: 'd', boxes: { remote: 'batched' }, tunables: {} });
console.log(JSON.stringify({ goals: GOALS, kind: m.kind, higher: m.higherIsBetter, src }));`,
    );
    const r = JSON.parse(out);
    expect(r.goals).toEqual(['speed', 'memory', 'balanced']);
    expect(r).toMatchObject({ kind: 'regex', higher: true });
    expect(r.src).toMatch(/tuned: \{[\s\S]*extends: 'default'[\s\S]*remote: 'batched'/);
  });

  it('@hakmem/profile: parses a sampling rate, without the command', () => {
    const app = installAlone('@hakmem/profile');
    expect(installed(app)).not.toContain('cli');
    expect(installed(app)).not.toContain('tune');
    const out = node(
      app,
      `import { DEFAULT_PROFILE_VARIANT, parseRate, runProfile } from '@hakmem/profile';
console.log(JSON.stringify({ rate: parseRate('64K'), variant: DEFAULT_PROFILE_VARIANT, run: typeof runProfile }));`,
    );
    expect(JSON.parse(out)).toEqual({ rate: 65536, variant: 'profiling', run: 'function' });
  });
});
