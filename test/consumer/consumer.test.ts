// A user outside the workspace: packs the packages, installs the tarballs into a fresh project
// with npm (no workspace links), adds a front box of the project's own, writes a
// hakmem.config.ts, builds variants with the published `hakmem` command, and preloads the
// library under a small C program. Needs `pnpm build` (the tarballs ship dist/), gcc and npm
// with the registry (jiti and node-addon-api come from there; npm's cache makes reruns fast).
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOT_ORDER } from '../../native/src/slots.js';
import { pack, readJson, repoRoot } from '../../scripts/packages.mjs';
import {
  acmeFrontC,
  acmeIndexDts,
  acmeIndexMjs,
  acmePackageJson,
  acmeRefillC,
  acmeRefillIndexDts,
  acmeRefillIndexMjs,
  acmeRefillPackageJson,
  checkProgram,
  consumerConfig,
  consumerTsconfig,
  stockConfig,
  typeChecks,
} from './fixture.js';

/** What a user installs: the command, the composer and one package per slot (the core, tune,
 * profile and the bench whose runrss `hakmem tune` measures with, come with them). */
const PACKAGES = [
  'native',
  'packages/compose',
  'packages/cli',
  'packages/tune',
  'packages/profile',
  'packages/bench',
  ...SLOT_ORDER.map((s) => `packages/${s}`),
];
const KEEP = process.env.HAKMEM_KEEP_CONSUMER === '1';

let root: string;
let app: string;
const tarballs: Record<string, string> = {};
const timings: Record<string, number> = {};

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** The environment of a user's shell: nothing from pnpm or vitest's npm_* settings. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|PNPM_|pnpm_|VITEST|TURBO_|INIT_CWD$|NODE_OPTIONS$)/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd: opts.cwd ?? app,
    env: opts.env ?? userEnv(),
    encoding: 'utf8',
    timeout: opts.timeout ?? 120_000,
  });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const timed = <T>(name: string, fn: () => T): T => {
  const t = Date.now();
  try {
    return fn();
  } finally {
    timings[name] = Date.now() - t;
  }
};

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : d.isFile() || d.isSymbolicLink() ? [join(dir, d.name)] : [],
  );
}

describe('a project outside the workspace, from packed tarballs', () => {
  beforeAll(() => {
    for (const dir of PACKAGES) {
      if (!existsSync(join(repoRoot, dir, 'dist', 'index.js'))) {
        throw new Error(`${dir}/dist is missing: run \`pnpm build\` first (the tarballs ship dist/)`);
      }
    }
    root = mkdtempSync(join(tmpdir(), 'hakmem-consumer-'));
    app = join(root, 'app');
    const dest = join(root, 'tarballs');
    mkdirSync(dest, { recursive: true });
    timed('pack', () => {
      for (const dir of PACKAGES)
        tarballs[readJson(join(repoRoot, dir, 'package.json')).name] = pack(join(repoRoot, dir), dest);
    });

    // The project: the tarballs as a user's registry install would give them, plus its own box.
    // The third-party box is written in its own folder and packed, as its author would publish it.
    const acme = join(root, 'acme-front');
    write(join(acme, 'package.json'), `${JSON.stringify(acmePackageJson, null, 2)}\n`);
    write(join(acme, 'src', 'index.mjs'), acmeIndexMjs);
    write(join(acme, 'src', 'index.d.ts'), acmeIndexDts);
    write(join(acme, 'c', 'stack', 'acme_front_stack.c'), acmeFrontC);
    const acmeTgz = timed('npm pack (third-party box)', () =>
      join(
        dest,
        ok(run('npm', ['pack', '--pack-destination', dest, '--loglevel=error'], { cwd: acme }), 'npm pack')
          .trim()
          .split('\n')
          .pop()!,
      ),
    );
    // A second third-party box, for a slot with shared mechanism: refill on the published slabs base.
    const acmeRefill = join(root, 'acme-refill');
    write(join(acmeRefill, 'package.json'), `${JSON.stringify(acmeRefillPackageJson, null, 2)}\n`);
    write(join(acmeRefill, 'src', 'index.mjs'), acmeRefillIndexMjs);
    write(join(acmeRefill, 'src', 'index.d.ts'), acmeRefillIndexDts);
    write(join(acmeRefill, 'c', 'greedy', 'acme_refill_greedy.c'), acmeRefillC);
    const acmeRefillTgz = join(
      dest,
      ok(run('npm', ['pack', '--pack-destination', dest, '--loglevel=error'], { cwd: acmeRefill }), 'npm pack')
        .trim()
        .split('\n')
        .pop()!,
    );

    write(
      join(app, 'package.json'),
      `${JSON.stringify(
        {
          name: 'hakmem-consumer',
          private: true,
          type: 'module',
          dependencies: {
            ...Object.fromEntries(Object.entries(tarballs).map(([n, t]) => [n, `file:${t}`])),
            'acme-hakmem-front': `file:${acmeTgz}`,
            'acme-hakmem-refill': `file:${acmeRefillTgz}`,
          },
        },
        null,
        2,
      )}\n`,
    );
    write(join(app, 'hakmem.config.ts'), consumerConfig);
    write(join(app, 'stock.config.ts'), stockConfig);
    write(join(app, 'type-checks.ts'), typeChecks);
    write(join(app, 'tsconfig.json'), `${JSON.stringify(consumerTsconfig, null, 2)}\n`);
    write(join(app, 'check.c'), checkProgram);

    timed('npm install', () =>
      ok(
        run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
          timeout: 240_000,
        }),
        'npm install',
      ),
    );
  }, 300_000);

  afterAll(() => {
    if (root && !KEEP) rmSync(root, { recursive: true, force: true });
    else if (root) process.stderr.write(`consumer project kept in ${app}\n`);
    process.stderr.write(`consumer timings (ms): ${JSON.stringify(timings)}\n`);
  });

  it('installs without compiling anything and without workspace links', () => {
    const files = ['@hakmem', 'acme-hakmem-front', 'acme-hakmem-refill'].flatMap((d) =>
      walk(join(app, 'node_modules', d)),
    );
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => /\.(o|so|a|node)$|binding\.gyp$/.test(f))).toEqual([]);
    expect(existsSync(join(app, 'dist'))).toBe(false);
    expect(existsSync(join(app, '.hakmem'))).toBe(false);
    for (const name of Object.keys(tarballs)) {
      const pkg = readJson(join(app, 'node_modules', name, 'package.json'));
      for (const dep of Object.values<string>(pkg.dependencies ?? {})) expect(dep).not.toMatch(/^workspace:/);
      for (const s of ['preinstall', 'install', 'postinstall']) expect(pkg.scripts?.[s]).toBeUndefined();
    }
    for (const name of [...Object.keys(tarballs), 'acme-hakmem-front', 'acme-hakmem-refill']) {
      expect(lstatSync(join(app, 'node_modules', name)).isSymbolicLink(), name).toBe(false);
    }
    // One core for every box and the composer.
    const natives = walk(join(app, 'node_modules')).filter((f) => f.endsWith('/@hakmem/native/package.json'));
    expect(natives).toEqual([join(app, 'node_modules', '@hakmem', 'native', 'package.json')]);
    // The core ships what the composer compiles.
    for (const f of [
      'include/hakmem.h',
      'include/hakmem/hk_front.h',
      'base/hk_prelude.h',
      'base/hk_services.h',
      'core/hk_core.c',
      'addon/hk_addon.cc',
    ]) {
      expect(existsSync(join(app, 'node_modules', '@hakmem', 'native', f)), f).toBe(true);
    }
  });

  it("type-checks the project's config against its own box and the published ones", () => {
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = timed('tsc', () => run(process.execPath, [tsc, '-p', 'tsconfig.json']));
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('require()s every installed package from CommonJS, as it imports them', () => {
    const names = Object.keys(tarballs);
    write(
      join(app, 'require-check.cjs'),
      `'use strict';\nconst out = {};\nfor (const n of ${JSON.stringify(names)}) out[n] = Object.keys(require(n)).sort();\nprocess.stdout.write(JSON.stringify(out));\n`,
    );
    const got = JSON.parse(ok(run(process.execPath, ['require-check.cjs']), 'node require-check.cjs')) as Record<
      string,
      string[]
    >;
    expect(Object.keys(got).sort()).toEqual([...names].sort());
    expect(got['@hakmem/compose']).toContain('defineConfig');
    expect(got['@hakmem/cli']).toContain('main');
    expect(got['@hakmem/tune']).toContain('runTune');
    expect(got['@hakmem/profile']).toContain('runProfile');
    expect(got['@hakmem/native']).toContain('includeDir');
    for (const s of SLOT_ORDER) expect(got[`@hakmem/${s}`], s).toContain('default');
    // The addon's Node-API headers come with the composer, not from the Node installed here.
    expect(existsSync(join(app, 'node_modules', 'node-api-headers', 'include', 'node_api.h'))).toBe(true);
  });

  it('lists the third-party boxes with the published ones', () => {
    const out = ok(run(join(app, 'node_modules', '.bin', 'hakmem'), ['list', '--json']), 'hakmem list');
    const l = JSON.parse(out) as {
      slots: { slot: string; package: string; version: string; boxes: { name: string; base: string | null }[] }[];
    };
    const front = l.slots.find((s) => s.slot === 'front')!;
    expect(front.package).toBe('acme-hakmem-front');
    expect(front.version).toBe('1.2.3');
    expect(front.boxes.map((b) => b.name)).toEqual(['stack']);
    const refill = l.slots.find((s) => s.slot === 'refill')!;
    expect(refill.package).toBe('acme-hakmem-refill');
    expect(refill.boxes).toEqual([expect.objectContaining({ name: 'greedy', base: '@hakmem/refill/slabs' })]);
  });

  it("checks that every box's files, the third party's included, compile alone against their headers", () => {
    const out = ok(run(join(app, 'node_modules', '.bin', 'hakmem'), ['check'], { timeout: 180_000 }), 'hakmem check');
    expect(out).toMatch(/^hakmem check: (\d+)\/\1 checks passed/);
    const db = JSON.parse(readFileSync(join(app, 'compile_commands.json'), 'utf8')) as {
      file: string;
      arguments: string[];
    }[];
    const greedy = db.find((e) => e.file.endsWith('acme_refill_greedy.c'))!;
    expect(greedy.arguments).toContain(join(app, 'node_modules', '@hakmem', 'refill', 'c', 'common'));
  });

  it('says which compiler to install when there is none', () => {
    const empty = join(root, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const bin = join(app, 'node_modules', '@hakmem', 'cli', 'bin', 'hakmem.mjs');
    const r = run(process.execPath, [bin, 'build', 'mine'], { env: userEnv({ PATH: empty }) });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('hakmem needs a C compiler: apt-get install gcc g++');
    expect(existsSync(join(app, 'dist', 'mine'))).toBe(false);
  });

  it('builds variants with the published command, and the library serves a preloaded program', () => {
    const hakmem = join(app, 'node_modules', '.bin', 'hakmem');
    timed('hakmem build mine', () => ok(run(hakmem, ['build', 'mine'], { timeout: 180_000 }), 'hakmem build mine'));
    timed('hakmem build stock', () =>
      ok(run(hakmem, ['build', 'stock', '--config', 'stock.config.ts'], { timeout: 180_000 }), 'hakmem build stock'),
    );
    ok(run('gcc', ['-O1', '-o', 'check', 'check.c', '-ldl']), 'gcc check.c');

    for (const [variant, front] of [
      ['mine', { box: 'stack', package: 'acme-hakmem-front', version: '1.2.3' }],
      [
        'stock',
        {
          box: 'tcache',
          package: '@hakmem/front',
          version: readJson(join(repoRoot, 'packages/front/package.json')).version,
        },
      ],
    ] as const) {
      const dist = join(app, 'dist', variant);
      for (const f of ['libhakmem.so', 'libhakmem.a', 'hakmem.node', 'hakmem.pc', 'variant.json', 'include/hakmem.h']) {
        expect(existsSync(join(dist, f)), `${variant}: ${f}`).toBe(true);
      }
      const json = JSON.parse(readFileSync(join(dist, 'variant.json'), 'utf8'));
      expect(json.name).toBe(variant);
      expect(json.boxes.front).toEqual(front);
      expect(json.boxes.refill.package).toBe(variant === 'mine' ? 'acme-hakmem-refill' : '@hakmem/refill');
      if (variant === 'mine') expect(json.tunables.front).toEqual({ depth: 64 });

      const report = join(root, `report-${variant}.txt`);
      const r = run(join(app, 'check'), [], {
        env: userEnv({ LD_PRELOAD: join(dist, 'libhakmem.so'), HAKMEM_REPORT: report }),
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const cap = variant === 'mine' ? 64 : undefined;
      // greedy fills the front to capacity: its batch is the capacity
      const batch = variant === 'mine' ? '64' : '\\d+';
      expect(r.stdout).toMatch(
        new RegExp(`^variant=${variant} front_count=\\d+ front_capacity=${cap ?? '\\d+'} refill_batch=${batch}\\n$`),
      );
      expect(readFileSync(report, 'utf8')).toMatch(
        new RegExp(
          `^hakmem pid=${r.pid} variant=${variant} chunks=[1-9]\\d* large_maps=\\d+ bytes_mapped=[1-9]\\d*$`,
          'm',
        ),
      );
    }

    // The addon of the third-party variant loads through the published @hakmem/native.
    const script = `import { loadHakmem, variantInfo } from '@hakmem/native';
const hk = loadHakmem('dist/mine');
const p = hk.malloc(100);
hk.free(p);
console.log(JSON.stringify({ variant: hk.variantName(), front: variantInfo(hk).boxes.front.package }));`;
    write(join(app, 'addon.mjs'), script);
    expect(JSON.parse(ok(run(process.execPath, ['addon.mjs']), 'addon.mjs'))).toEqual({
      variant: 'mine',
      front: 'acme-hakmem-front',
    });
  });

  it('packs every tarball with versions, not workspace: ranges', () => {
    for (const [name, tgz] of Object.entries(tarballs)) {
      const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }));
      expect(pkg.name).toBe(name);
      expect(JSON.stringify(pkg.dependencies ?? {})).not.toContain('workspace:');
    }
  });
});
