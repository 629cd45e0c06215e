#!/usr/bin/env node
// pnpm attacks [--write] [--runs N] [--jobs N] [--only a,b] [--allocators x,y]: the
// how2heap-style attack suite (native/test/attacks/) on every built hakmem variant
// (dist/*/libhakmem.so) and every installed peer allocator, each pair run N times (default 3,
// 10 with --write: some outcomes depend on the address-space layout, and a cell then lists
// every verdict seen). Prints the Markdown table, then what each run that was not `intact` said or what
// stopped it; --write replaces the table between the attacks markers of docs/security.md. The runner is TypeScript (native/test/attacks/run.ts, also used by vitest): it is
// bundled with esbuild into .hakmem/ and imported.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { repoRoot } from './packages.mjs';

const { values } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    runs: { type: 'string' },
    jobs: { type: 'string' },
    only: { type: 'string' },
    allocators: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: pnpm attacks [--write] [--runs N] [--jobs N] [--only attack,...] [--allocators name,...]\n',
  );
  process.exit(0);
}

const source = join(repoRoot, 'native', 'test', 'attacks', 'run.ts');
const bundle = join(repoRoot, '.hakmem', 'attacks', 'run.mjs');
mkdirSync(join(bundle, '..'), { recursive: true });
await build({
  entryPoints: [source],
  outfile: bundle,
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'error',
  // The runner finds the programs next to its source, not next to the bundle.
  define: { 'import.meta.url': JSON.stringify(pathToFileURL(source).href) },
});
const runner = await import(pathToFileURL(bundle).href);

// Variant columns in the config's order (hakmem list --json), then any other built variant.
const list = spawnSync(process.execPath, [join(repoRoot, 'packages/cli/bin/hakmem.mjs'), 'list', '--json'], {
  cwd: repoRoot,
  encoding: 'utf8',
});
const order = list.status === 0 ? JSON.parse(list.stdout).variants.map((v) => v.name) : [];
let allocators = [...runner.hakmemVariants(order), ...runner.peerAllocators()];
if (values.allocators) {
  const want = values.allocators.split(',');
  allocators = allocators.filter((a) => want.includes(a.name));
}
if (!allocators.some((a) => a.kind === 'hakmem'))
  process.stderr.write('attacks: no hakmem variant is built (pnpm build:variant --all)\n');
const attacks = values.only ? values.only.split(',') : runner.attackNames();
const jobs = values.jobs ? Number(values.jobs) : runner.defaultJobs();
const runs = Number(values.runs ?? (values.write ? 10 : 3));
if (!(runs >= 1)) throw new Error(`--runs ${values.runs}: expected a positive number`);

const t0 = Date.now();
const compiled = await runner.compileAttacks(attacks, jobs);
const results = await runner.runMatrix(compiled, allocators, jobs, runs);
const seconds = ((Date.now() - t0) / 1000).toFixed(1);

const table = runner.markdownTable(results, attacks, allocators);
process.stdout.write(`${table}\n\n`);
// One line per distinct outcome (verdict and detail, addresses masked) of each pair.
const said = new Set();
for (const r of results) {
  if (r.verdict === 'intact') continue;
  const line = `${r.attack} / ${r.allocator}: ${r.verdict}  ${r.detail}`;
  const key = line.replace(/0x[0-9a-f]+/g, '0x…');
  if (!said.has(key)) process.stdout.write(`${line}\n`);
  said.add(key);
}
const mixed = [...runner.verdictsByCell(results)].filter(([, v]) => v.length > 1);
for (const [key, v] of mixed) process.stdout.write(`runs differ: ${key.replace('\0', ' / ')}: ${v.join(', ')}\n`);
process.stdout.write(
  `\nattacks: ${attacks.length} programs x ${allocators.length} allocators x ${runs} runs in ${seconds} s (${jobs} at a time)\n`,
);

const broken = results.filter((r) => r.verdict === 'error' || r.verdict === 'hang');
if (values.write) {
  if (broken.length) {
    process.stderr.write('attacks: not writing docs/security.md: some runs ended in error or hang (above)\n');
    process.exit(1);
  }
  const readmePath = join(repoRoot, 'docs', 'security.md');
  writeFileSync(readmePath, runner.replaceTable(readFileSync(readmePath, 'utf8'), table));
  process.stdout.write('attacks: docs/security.md updated\n');
}
process.exit(broken.length ? 1 : 0);
