#!/usr/bin/env node
// `pnpm release` (after `turbo run build` and `pnpm run docs:check`): checks every publishable
// package (publint and hakmem's rules, scripts/packages.mjs) and packs it into release/ with
// `pnpm pack`, which turns workspace: ranges into real versions. Nothing is published here;
// `pnpm release:publish` runs `changeset publish` afterwards, with a registry token.
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkPackage, pack, publishableDirs, repoRoot } from './packages.mjs';

const dest = join(repoRoot, 'release');
const dirs = publishableDirs();
const problems = (await Promise.all(dirs.map(checkPackage))).flat();
if (problems.length) {
  process.stderr.write(`release: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
rmSync(dest, { recursive: true, force: true });
mkdirSync(dest, { recursive: true });
for (const dir of dirs) {
  const tgz = pack(dir, dest);
  process.stdout.write(`release: ${relative(repoRoot, dir)} -> ${relative(repoRoot, tgz)}\n`);
}
process.stdout.write(`release: ${dirs.length} packages checked and packed into release/\n`);
