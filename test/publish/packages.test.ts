// Every publishable package passes publint (errors, warnings and suggestions, on what
// `pnpm pack` ships) and hakmem's own rules: the fields a registry page needs, the C sources
// and headers shipped, no tests or maps, no install-time compilation (scripts/packages.mjs).
// `pnpm release` runs the same checks before it packs. Needs `pnpm build` (dist/ is checked).
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLOT_ORDER } from '../../native/src/slots.js';
import { checkPackage, publishableDirs, readJson, repoRoot } from '../../scripts/packages.mjs';

const dirs = publishableDirs();

describe('publishable packages', () => {
  it('are the core, the composer, the command, tune, profile, the bench and every slot package', () => {
    const names = dirs.map((d) => readJson(join(d, 'package.json')).name);
    for (const n of [
      '@hakmem/native',
      '@hakmem/compose',
      '@hakmem/cli',
      '@hakmem/tune',
      '@hakmem/profile',
      '@hakmem/bench',
      ...SLOT_ORDER.map((s) => `@hakmem/${s}`),
    ]) {
      expect(names).toContain(n);
    }
  });

  it.each(dirs.map((d) => [relative(repoRoot, d), d]))('%s passes publint and the publish rules', async (_rel, dir) => {
    expect(await checkPackage(dir)).toEqual([]);
  });

  it.each(dirs.map((d) => [relative(repoRoot, d), d]))(
    '%s depends on workspace packages by a versioned workspace: range',
    (_rel, dir) => {
      const pkg = readJson(join(dir, 'package.json'));
      for (const [name, range] of Object.entries<string>(pkg.dependencies ?? {})) {
        if (name.startsWith('@hakmem/')) {
          const version = readJson(
            join(repoRoot, name === '@hakmem/native' ? 'native' : `packages/${name.slice(8)}`, 'package.json'),
          ).version;
          expect(range, `${name} in ${pkg.name}`).toBe(`workspace:^${version}`);
        }
      }
      expect(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8').startsWith(`# ${pkg.name}\n`)).toBe(true);
    },
  );
});
