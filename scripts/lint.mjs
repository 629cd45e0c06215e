#!/usr/bin/env node
// pnpm lint [--fix]: the repository's habits, checked (CI runs it as part of `pnpm test`).
//   1. TypeScript and JavaScript: Biome's formatter and linter (biome.json).
//   2. C: clang-format (.clang-format) on every tracked .c, .h and .cc file.
//   3. The contract check (`hakmem check`): every file of every box compiles alone against the
//      headers it includes; writes compile_commands.json.
//   4. C: clang-tidy's small set of bug finders (.clang-tidy) on those same files, with the
//      commands of step 3.
// --fix rewrites what the formatters (and Biome's safe fixes) would change, then checks.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './packages.mjs';

const { values } = parseArgs({
  options: { fix: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  process.stdout.write('usage: pnpm lint [--fix]\n');
  process.exit(0);
}

const INSTALL = 'apt-get install clang-format clang-tidy';
const failed = [];

function step(name, cmd, args, opts = {}) {
  process.stdout.write(`lint: ${name}\n`);
  const r = spawnSync(cmd, args, {
    cwd: repoRoot,
    stdio: opts.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
  });
  if (r.error?.code === 'ENOENT') {
    process.stderr.write(`lint: ${cmd} is not installed (${opts.install ?? 'pnpm install'})\n`);
    failed.push(name);
  } else if (r.status !== 0) {
    if (opts.quiet) process.stderr.write(`${r.stdout}${r.stderr}`);
    failed.push(name);
  }
  return r;
}

// Tracked files and new ones not yet added (what CI's clone will have), less the ignored and
// those deleted from the working tree.
const tracked = (...globs) =>
  spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', ...globs], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .stdout.split('\0')
    .filter((f) => f && existsSync(join(repoRoot, f)));

// 1. Biome: a warning fails too (two unused imports had passed as warnings)
const biome = join(repoRoot, 'node_modules', '.bin', 'biome');
step(
  'biome (TypeScript format and lint)',
  biome,
  values.fix ? ['check', '--write', '.'] : ['check', '--error-on-warnings', '.'],
);

// 2. clang-format
const cFiles = tracked('*.c', '*.h', '*.cc');
step(
  `clang-format (${cFiles.length} C files)`,
  'clang-format',
  values.fix ? ['-i', '--style=file', ...cFiles] : ['--dry-run', '--Werror', '--style=file', ...cFiles],
  { install: INSTALL },
);

// 3. The contract check, which writes compile_commands.json for step 4.
step('contract check (every box file compiles alone)', process.execPath, [
  join(repoRoot, 'packages/cli/bin/hakmem.mjs'),
  'check',
]);

// 4. clang-tidy, a few files per process, as many processes as cores.
const db = JSON.parse(readFileSync(join(repoRoot, 'compile_commands.json'), 'utf8'));
const files = [...new Set(db.map((e) => e.file))];
process.stdout.write(`lint: clang-tidy (${files.length} files)\n`);
const tidyFailures = await new Promise((resolve) => {
  const bad = [];
  let next = 0;
  let running = 0;
  const jobs = Math.max(1, cpus().length);
  const launch = () => {
    if (next >= files.length && running === 0) return resolve(bad);
    while (running < jobs && next < files.length) {
      const batch = files.slice(next, next + 4);
      next += batch.length;
      running++;
      const child = spawn('clang-tidy', ['-p', repoRoot, '--quiet', ...batch], { cwd: repoRoot });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('error', (err) => {
        out += err.code === 'ENOENT' ? `clang-tidy is not installed (${INSTALL})\n` : `${err.message}\n`;
      });
      child.on('close', (code) => {
        running--;
        if (code !== 0)
          bad.push(
            out
              .split('\n')
              .filter((l) => !/^\d+ warnings? generated\.$|^Suppressed \d+ warnings/.test(l))
              .join('\n'),
          );
        launch();
      });
    }
  };
  launch();
});
if (tidyFailures.length) {
  process.stderr.write(tidyFailures.join('\n'));
  failed.push('clang-tidy');
}

if (failed.length) {
  process.stderr.write(
    `lint: failed: ${failed.join(', ')}${values.fix ? '' : ' (`pnpm lint --fix` applies the formatters)'}\n`,
  );
  process.exit(1);
}
process.stdout.write('lint: all clean\n');
