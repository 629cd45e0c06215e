// The runtime options table (native/src/env.ts) is the truth: every environment variable the
// C sources read is in it, nothing else is, and the README's table lists the same variables.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENV_OPTIONS } from '../../native/src/env.js';
import { cFiles } from './c-files.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const names = ENV_OPTIONS.map((o) => o.name).sort();

describe('runtime options', () => {
  it('lists exactly the variables the C sources read', () => {
    const read = new Set<string>();
    const dirs = [
      resolve(root, 'native/core'),
      ...readdirSync(resolve(root, 'packages')).map((p) => resolve(root, 'packages', p, 'c')),
    ];
    for (const f of dirs.filter((d) => existsSync(d)).flatMap((d) => cFiles(d))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:getenv|env_\w+)\(\s*"(HAKMEM_[A-Z_]+)"/g)) read.add(m[1]!);
    }
    expect([...read].sort()).toEqual(names);
  });

  it("the README's table lists the same variables", () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Runtime options'),
      readme.indexOf('## Installing from the registry'),
    );
    const rows = [...section.matchAll(/^\| `(HAKMEM_[A-Z_]+)` \|/gm)].map((m) => m[1]!);
    expect(rows.sort()).toEqual(names);
  });
});
