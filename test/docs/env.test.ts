// The runtime options: the core's table (native/src/env.ts) lists exactly the variables the C
// sources read with getenv; the boxes' runtime tunables add one variable each (generated); the
// table in docs/runtime-options.md lists both. The variables only the Node tools read (TOOL_ENV) are the only
// other HAKMEM_ names a library keeps quiet about (hk_options.c), so every one they read is there.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENV_OPTIONS, TOOL_ENV, tunableEnvOptions } from '../../native/src/env.js';
import { SLOT_ORDER } from '../../native/src/slots.js';
import { cFiles } from './c-files.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const names = ENV_OPTIONS.map((o) => o.name).sort();
const slotPackages = await Promise.all(
  SLOT_ORDER.map(
    async (s) => (await import(`../../packages/${s}/src/index.ts`)).default as { slot: string; boxes: never },
  ),
);
const tunableNames = slotPackages.flatMap((p) => tunableEnvOptions(p.slot, p.boxes).map((o) => o.name));

describe('runtime options', () => {
  it('lists exactly the variables the C sources read', () => {
    const read = new Set<string>();
    const dirs = [
      resolve(root, 'native/base'),
      resolve(root, 'native/core'),
      ...readdirSync(resolve(root, 'packages')).map((p) => resolve(root, 'packages', p, 'c')),
    ];
    for (const f of dirs.filter((d) => existsSync(d)).flatMap((d) => cFiles(d))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:getenv|env_\w+)\(\s*"(HAKMEM_[A-Z_]+)"/g)) read.add(m[1]!);
      // hk_env_out_setup(&out, "HAKMEM_X", "HAKMEM_X_SIGNAL", ...) reads both (hk_os.h)
      for (const call of text.matchAll(/hk_env_out_setup\(([^;]*)\);/g)) {
        for (const m of call[1]!.matchAll(/"(HAKMEM_[A-Z_]+)"/g)) read.add(m[1]!);
      }
    }
    expect([...read].sort()).toEqual(names);
  });

  it("docs/runtime-options.md's table lists the same variables", () => {
    const section = readFileSync(resolve(root, 'docs', 'runtime-options.md'), 'utf8');
    const rows = [...section.matchAll(/^\| `(HAKMEM_[A-Z_]+)`/gm)].map((m) => m[1]!);
    expect(rows.sort()).toEqual([...names, ...tunableNames].sort());
    expect(section).toContain('| `HAKMEM_PURGE_HARD_LIMIT` or `HAKMEM_LIMIT` |');
  });

  it('the Node tools read no HAKMEM_ variable the library would judge: each is in TOOL_ENV or the tables', () => {
    const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.mjs'], {
      cwd: root,
      encoding: 'utf8',
    })
      .stdout.split('\n')
      .filter((f) => f && existsSync(resolve(root, f)));
    const read = new Set<string>();
    for (const f of files) {
      const text = readFileSync(resolve(root, f), 'utf8');
      for (const m of text.matchAll(/process\.env(?:\.|\[['"])(HAKMEM_[A-Z0-9_]+)/g)) read.add(m[1]!);
    }
    expect(read.size).toBeGreaterThan(3);
    const tools = TOOL_ENV.map((o) => o.name);
    const library = new Set([
      ...names,
      ...tunableNames,
      ...slotPackages.flatMap((p) => tunableEnvOptions(p.slot, p.boxes).flatMap((o) => (o.alias ? [o.alias] : []))),
    ]);
    expect([...read].filter((n) => !tools.includes(n) && !library.has(n))).toEqual([]);
    expect(tools.filter((n) => library.has(n))).toEqual([]);
  });
});
