// The attack suite (native/test/attacks/, `pnpm attacks`) on the project's variant: each
// verdict must be the one docs/security.md's table gives, which is the only record of
// the expected verdicts, so a change in what an attack achieves fails here by attack and
// variant until the table is regenerated (`pnpm attacks --write`) and reviewed. The peers'
// columns are documentation and are not run. The matrix (vitest.matrix.config.ts) binds the
// native project to each variant (HAKMEM_TEST_VARIANT; `default` when unset), so every variant
// is attacked once; `pnpm attacks` runs them all at once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attackNames,
  compileAttacks,
  hakmemVariants,
  parseTable,
  repoRoot,
  runMatrix,
  type AttackResult,
  type Compiled,
} from './attacks/run.js';

const readme = parseTable(readFileSync(join(repoRoot, 'docs', 'security.md'), 'utf8'));
const only = process.env.HAKMEM_TEST_VARIANT || 'default';
const variants = hakmemVariants().filter((v) => v.name === only);
const attacks = attackNames();

let compiled: Compiled | undefined;
const measured = new Map<string, AttackResult>();

beforeAll(async () => {
  if (!variants.length) return;
  compiled = await compileAttacks();
  for (const r of await runMatrix(compiled, variants)) measured.set(`${r.attack}\0${r.allocator}`, r);
}, 300_000);

describe('attack suite', () => {
  it(`hakmem is built (dist/${only}/libhakmem.so)`, () => {
    if (!variants.length) throw new Error(`no hakmem variant to attack: run pnpm build:variant ${only} (or pnpm test)`);
  });

  it("the table in docs/security.md lists every attack program, and only those: else run 'pnpm attacks --write'", () => {
    expect([...readme.verdicts.keys()].sort()).toEqual(attacks);
  });

  it.each(variants.map((v) => v.name))(
    "the table in docs/security.md has a column for variant %s: else run 'pnpm attacks --write'",
    (name) => {
      expect(readme.columns).toContain(name);
    },
  );
});

describe.each(variants.map((v) => v.name))('attacks on variant %s', (name) => {
  it.each(attacks)('%s: the verdict in the table in docs/security.md', (attack) => {
    const expected = readme.verdicts.get(attack)?.get(name);
    const r = measured.get(`${attack}\0${name}`);
    if (!r) throw new Error(`attack ${attack} on variant ${name} did not run`);
    const said = `measured ${r.verdict}${r.detail ? ` (${r.detail})` : ''}\nstdout: ${r.stdout.trim() || '(empty)'}\nstderr: ${r.stderr.trim() || '(empty)'}`;
    if (!expected?.length)
      throw new Error(`attack ${attack} on variant ${name}: the table in docs/security.md has no verdict; ${said}`);
    if (!expected.includes(r.verdict))
      throw new Error(
        `attack ${attack} on variant ${name}: the table in docs/security.md says ${expected.join(' / ')}, ${said}\n` +
          "If the change is intended, run 'pnpm attacks --write' and commit the new table.",
      );
  });
});
