#!/usr/bin/env node
// The correctness matrix: the native suite (malloc contract, C++ operators, threads, fork,
// churn, pkg-config, real programs preloaded, reliability) against every named variant of
// hakmem.config.ts, as the `native:<variant>` projects of vitest.matrix.config.ts (which says
// which variants run the stress files). One vitest process runs them all, so their files share
// the cores.
//
//   node scripts/test-variants.mjs            every variant but default (the `native` project)
//   node scripts/test-variants.mjs lean asan  those variants
//   node scripts/test-variants.mjs --all      every project, default's and the matrix: what
//                                             `pnpm test` runs (all but the tune test)
//
// Ends with one line per variant and "variants: N passed, M failed".
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const all = args.includes('--all');
const only = args.filter((a) => a !== '--all');

for (const name of only) {
  if (!existsSync(join(root, 'dist', name, 'libhakmem.so'))) {
    console.error(`test-variants: dist/${name} is not built (pnpm build:variant ${name})`);
    process.exit(1);
  }
}
const projects = all
  ? []
  : only.length
    ? only.flatMap((n) => ['--project', n === 'default' ? 'native' : `native:${n}`])
    : ['--project', 'native:*'];
const r = spawnSync(
  'pnpm',
  [
    'exec',
    'vitest',
    'run',
    '--config',
    'vitest.matrix.config.ts',
    ...projects,
    '--exclude',
    '**/tune.native.test.ts',
    '--reporter',
    'default',
    '--reporter',
    './scripts/variant-summary.mjs',
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' } },
);
process.exit(r.status ?? 1);
