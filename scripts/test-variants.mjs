#!/usr/bin/env node
// The correctness matrix: the native suite (malloc contract, C++ operators, threads, fork,
// churn, pkg-config, real programs preloaded, reliability) against every named variant of
// hakmem.config.ts. `vitest run` covers `default`; this runs the rest, one vitest process per
// variant (native/test/helpers.ts binds a variant per process through HAKMEM_TEST_VARIANT).
// A variant whose boxes are the default's but for the observer slots (track, sampler: hooks
// around the same allocator, whose own packages test them under their checkers), whatever its
// tunables, skips the suite's long stress files (threads, sanitizers, fuzz), which exercise the
// default's boxes again; every other file runs. Prints one closing line: "variants: N passed, M failed".
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/cli/bin/hakmem.mjs');
const only = process.argv.slice(2);

const list = spawnSync(process.execPath, [cli, 'list', '--json'], { cwd: root, encoding: 'utf8' });
if (list.status !== 0) {
  process.stderr.write(list.stderr);
  process.exit(1);
}
const variants = JSON.parse(list.stdout).variants;
const names = variants.map((v) => v.name);
const OBSERVERS = new Set(['track', 'sampler']);
const STRESS = ['**/threads.test.ts', '**/sanitizers.test.ts', '**/fuzz.test.ts'];
const boxesOf = (name) => variants.find((v) => v.name === name)?.boxes ?? {};
const observerOnly = (name) => {
  const a = boxesOf(name);
  const b = boxesOf('default');
  return Object.keys({ ...a, ...b }).every((slot) => OBSERVERS.has(slot) || a[slot] === b[slot]);
};
const todo = only.length ? only : names.filter((n) => n !== 'default');

let passed = 0;
let failed = 0;
for (const name of todo) {
  if (!existsSync(join(root, 'dist', name, 'libhakmem.so'))) {
    console.error(`test-variants: dist/${name} is not built (pnpm build:variant --all)`);
    failed++;
    continue;
  }
  const light = name !== 'default' && observerOnly(name);
  console.log(
    `\n=== native suite on variant ${name}${light ? ' (the default boxes: without the stress files)' : ''} ===`,
  );
  const exclude = light ? STRESS.flatMap((f) => ['--exclude', f]) : [];
  const r = spawnSync('pnpm', ['exec', 'vitest', 'run', '--project', 'native', ...exclude], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, HAKMEM_TEST_VARIANT: name },
  });
  if (r.status === 0) passed++;
  else failed++;
}
console.log(`\nvariants: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
