#!/usr/bin/env node
// The correctness matrix: the native suite (malloc contract, C++ operators, threads, fork,
// churn, pkg-config, real programs preloaded, reliability) against every named variant of
// hakmem.config.ts. `vitest run` covers `default`; this runs the rest, one vitest process per
// variant (native/test/helpers.ts binds a variant per process through HAKMEM_TEST_VARIANT).
// Prints one closing line: "variants: N passed, M failed".
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/compose/bin/hakmem.mjs');
const only = process.argv.slice(2);

const list = spawnSync(process.execPath, [cli, 'list', '--json'], { cwd: root, encoding: 'utf8' });
if (list.status !== 0) {
  process.stderr.write(list.stderr);
  process.exit(1);
}
const names = JSON.parse(list.stdout).variants.map((v) => v.name);
const todo = only.length ? only : names.filter((n) => n !== 'default');

let passed = 0;
let failed = 0;
for (const name of todo) {
  if (!existsSync(join(root, 'dist', name, 'libhakmem.so'))) {
    console.error(`test-variants: dist/${name} is not built (pnpm build:variant --all)`);
    failed++;
    continue;
  }
  console.log(`\n=== native suite on variant ${name} ===`);
  const r = spawnSync('pnpm', ['exec', 'vitest', 'run', '--project', 'native'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, HAKMEM_TEST_VARIANT: name },
  });
  if (r.status === 0) passed++;
  else failed++;
}
console.log(`\nvariants: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
