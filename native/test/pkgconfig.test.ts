// dist/<variant>/hakmem.pc, the installed header, and the static archive, as an outside
// consumer uses them.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  API_CHECKS,
  buildProgram,
  describeRun,
  distDir,
  expectServedByHakmem,
  expectSuccess,
  findExecutable,
  inBoxCover,
  makeTempDir,
  pcPath,
  removeDir,
  requireLibrary,
  run,
  runTestProgram,
  variant,
} from './helpers.js';

interface PcFile {
  vars: Record<string, string>;
  fields: Record<string, string>;
}

/** Parses a .pc file the way pkg-config does (variables, fields, ${var} expansion). */
function parsePc(file: string): PcFile {
  const vars: Record<string, string> = { pcfiledir: dirname(file) };
  const fields: Record<string, string> = {};
  const expand = (s: string, depth = 0): string => {
    if (depth > 20) throw new Error(`${file}: variable expansion does not terminate`);
    return s.replace(/\$\{([A-Za-z0-9_.]+)\}/g, (_, name: string) => {
      if (!(name in vars)) throw new Error(`${file}: undefined variable \${${name}}`);
      return expand(vars[name], depth + 1);
    });
  };
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    // The first ':' or '=' after the name decides: "name=value" is a variable, "Key: value" a field.
    const m = /^([A-Za-z0-9_.]+)\s*([:=])\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${file}: cannot parse line: ${raw}`);
    if (m[2] === '=') vars[m[1]] = expand(m[3]);
    else fields[m[1]] = expand(m[3]);
  }
  return { vars, fields };
}

const words = (s: string | undefined): string[] => (s ?? '').split(/\s+/).filter(Boolean);

describe('hakmem.pc and static linking', () => {
  let pc: PcFile;
  let cflags: string[];
  let libs: string[];

  beforeAll(() => {
    requireLibrary();
    if (!existsSync(pcPath)) throw new Error(`dist/${variant}/hakmem.pc missing: run pnpm build:variant ${variant}`);
    pc = parsePc(pcPath);
    cflags = words(pc.fields.Cflags);
    libs = words(pc.fields.Libs);
  });

  it('declares Name, Version, Description, Cflags and Libs that point into the dist folder', () => {
    for (const key of ['Name', 'Description', 'Version', 'Cflags', 'Libs']) {
      expect(pc.fields[key], `hakmem.pc lacks ${key}:`).toBeTruthy();
    }
    expect(pc.fields.Version).toMatch(/^\d+\.\d+\.\d+/);
    expect(libs).toContain('-lhakmem');
    const libDirs = libs.filter((w) => w.startsWith('-L')).map((w) => w.slice(2));
    expect(
      libDirs.some((d) => existsSync(join(d, 'libhakmem.so'))),
      `no -L dir in "${pc.fields.Libs}" holds libhakmem.so`,
    ).toBe(true);
    const incDirs = cflags.filter((w) => w.startsWith('-I')).map((w) => w.slice(2));
    expect(
      incDirs.some((d) => existsSync(join(d, 'hakmem.h'))),
      `no -I dir in "${pc.fields.Cflags}" holds hakmem.h`,
    ).toBe(true);
  });

  it.skipIf(!findExecutable('pkg-config'))('pkg-config reads it and agrees with our parse', () => {
    const env = { PKG_CONFIG_PATH: distDir, PKG_CONFIG_LIBDIR: distDir };
    const mod = expectSuccess(run('pkg-config', { args: ['--modversion', 'hakmem'], env }));
    expect(mod.stdout.trim()).toBe(pc.fields.Version);
    const flags = expectSuccess(run('pkg-config', { args: ['--cflags', '--libs', 'hakmem'], env }));
    // pkg-config drops system dirs and may reorder; every word it prints must come from the file.
    for (const w of words(flags.stdout)) expect([...cflags, ...libs]).toContain(w);
    expect(words(flags.stdout)).toContain('-lhakmem');
  });

  it.skipIf(!findExecutable('pkg-config'))(
    'a copy of the dist folder elsewhere points at the copy (its prefix is the folder of the .pc file)',
    () => {
      const copy = makeTempDir('pc-copy');
      try {
        cpSync(distDir, copy, { recursive: true });
        const env = { PKG_CONFIG_PATH: copy, PKG_CONFIG_LIBDIR: copy };
        const flags = words(expectSuccess(run('pkg-config', { args: ['--cflags', '--libs', 'hakmem'], env })).stdout);
        expect(flags).toContain(`-L${copy}`);
        expect(flags).toContain(`-I${copy}/include`);
        expect(readFileSync(join(copy, 'hakmem.pc'), 'utf8')).not.toContain(distDir);
      } finally {
        removeDir(copy);
      }
    },
  );

  it('builds a consumer with only the .pc flags; its extended API matches variant.json', { timeout: 120_000 }, () => {
    const libDirs = libs.filter((w) => w.startsWith('-L')).map((w) => w.slice(2));
    const bin = buildProgram('pc_probe.c', { mode: 'plain', tag: `pc_probe-${variant}`, cflags, libs });
    const r = expectSuccess(
      run(bin, {
        report: true,
        env: { LD_LIBRARY_PATH: libDirs.join(':'), HK_TEST_ALLOW_GLIBC: undefined },
      }),
    );
    const field = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(r.stdout)?.[1];
    expect(field('version'), describeRun(r)).toBe(pc.fields.Version);
    expect(field('variant')).toBe(variant);
    const json = JSON.parse(field('json') ?? 'null');
    expect(json).toBeTypeOf('object');
    const variantJson = join(distDir, 'variant.json');
    if (existsSync(variantJson)) expect(json).toEqual(JSON.parse(readFileSync(variantJson, 'utf8')));
    expect(r.stdout).toMatch(/^ok \d+ checks$/m);
    expectServedByHakmem(r);
  });

  // The malloc contract statically linked, on the box cover's variants (helpers.ts inBoxCover):
  // the consumer above links every variant's archive.
  if (inBoxCover)
    it('libhakmem.a links into an executable that hakmem then serves (api.c)', { timeout: 180_000 }, () => {
      const r = runTestProgram('api.c', 'static');
      expect(r.checks).toBeGreaterThan(API_CHECKS);
    });
});
