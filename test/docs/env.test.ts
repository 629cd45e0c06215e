// The runtime options: the core's table (native/src/env.ts) lists exactly the variables the C
// sources read with getenv; the boxes' runtime tunables add one variable each (generated); the
// README's table lists both.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENV_OPTIONS, tunableEnvOptions } from '../../native/src/env.js';
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

  it("the README's table lists the same variables", () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Runtime options'),
      readme.indexOf('## Installing from the registry'),
    );
    const rows = [...section.matchAll(/^\| `(HAKMEM_[A-Z_]+)`/gm)].map((m) => m[1]!);
    expect(rows.sort()).toEqual([...names, ...tunableNames].sort());
    expect(section).toContain('| `HAKMEM_PURGE_HARD_LIMIT` or `HAKMEM_LIMIT` |');
  });
});
