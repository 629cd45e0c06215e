#!/usr/bin/env node
// pnpm soak: the fork, fork-heaps, thread-churn and cross-thread stress programs of
// native/test/c in a loop, for every named variant (or those given), for a number of minutes
// each; prints failures per 1,000 runs. Not part of `pnpm test`: a soak is for the rare race
// that a single run of the suite misses.
//
//   pnpm soak [--minutes 10] [--variant lean --variant default] [--program fork] [--jobs 2]
//
// Each program is linked against dist/<variant>/libhakmem.so (built first unless --no-build)
// and must exit 0 and name the variant. The output of every failing run is kept under
// .hakmem/soak/<variant>/. Exit status 1 when any run failed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/cli/bin/hakmem.mjs');
const cDir = join(root, 'native/test/c');

/** The programs and the arguments of one short run (each about a second on 2 cores). */
export const PROGRAMS = {
  fork: { source: 'fork.c', args: ['10', '20'] },
  'fork-heaps': { source: 'fork_heaps.c', args: ['200', '2'] },
  churn: { source: 'churn.c', args: ['500', '4', '200'] },
  xthread: { source: 'threads.c', args: ['4', '50000'] },
};

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    variant: { type: 'string', multiple: true },
    program: { type: 'string', multiple: true },
    jobs: { type: 'string', default: '1' },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    'usage: pnpm soak [--minutes N] [--variant NAME]... [--program fork|fork-heaps|churn|xthread]... [--jobs J] [--no-build]',
  );
  process.exit(0);
}
const minutes = Number(values.minutes);
const jobs = Number(values.jobs);
if (!(minutes > 0) || !Number.isInteger(jobs) || jobs < 1) {
  console.error('soak: --minutes must be a positive number and --jobs a positive integer');
  process.exit(2);
}
const programs = values.program ?? Object.keys(PROGRAMS);
for (const p of programs) {
  if (!PROGRAMS[p]) {
    console.error(`soak: unknown program ${p} (one of ${Object.keys(PROGRAMS).join(', ')})`);
    process.exit(2);
  }
}

function listVariants() {
  const r = spawnSync(process.execPath, [cli, 'list', '--json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hakmem list failed\n${r.stderr}`);
  return JSON.parse(r.stdout).variants.map((v) => v.name);
}

function buildVariant(name) {
  const r = spawnSync(process.execPath, [cli, 'build', name], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building variant ${name} failed\n${r.stdout}${r.stderr}`);
}

function buildProgram(variant, prog, outDir) {
  const dist = join(root, 'dist', variant);
  const out = join(outDir, prog);
  const r = spawnSync(
    'gcc',
    [
      '-std=gnu11',
      '-O2',
      '-g',
      '-fno-builtin',
      '-Wall',
      '-Wextra',
      '-Werror',
      `-I${cDir}`,
      join(cDir, PROGRAMS[prog].source),
      '-o',
      out,
      `-L${dist}`,
      '-Wl,--no-as-needed',
      '-lhakmem',
      `-Wl,-rpath,${dist}`,
      '-ldl',
      '-lpthread',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`compiling ${PROGRAMS[prog].source} failed\n${r.stderr}`);
  return out;
}

/** One run: resolves to null when it passed, else a description of the failure. */
function runOnce(bin, args, variant) {
  return new Promise((done) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal) return done(`killed by ${signal}\n${out}`);
      if (code !== 0) return done(`exit ${code}\n${out}`);
      if (!out.includes(`hakmem variant=${variant}`)) return done(`not served by variant ${variant}\n${out}`);
      done(null);
    });
  });
}

async function soakVariant(variant) {
  const outDir = join(root, '.hakmem', 'soak', variant);
  mkdirSync(outDir, { recursive: true });
  if (!values['no-build']) buildVariant(variant);
  const bins = Object.fromEntries(programs.map((p) => [p, buildProgram(variant, p, outDir)]));
  const stats = Object.fromEntries(programs.map((p) => [p, { runs: 0, failures: 0 }]));
  const deadline = Date.now() + minutes * 60_000;
  let next = 0;
  let lastReport = Date.now();
  const worker = async () => {
    while (Date.now() < deadline) {
      const prog = programs[next++ % programs.length];
      const failure = await runOnce(bins[prog], PROGRAMS[prog].args, variant);
      const s = stats[prog];
      s.runs++;
      if (failure) {
        s.failures++;
        const log = join(outDir, `fail-${prog}-${s.failures}.log`);
        writeFileSync(log, failure);
        console.log(`  ${variant} ${prog}: FAILED (${failure.split('\n')[0]}), output in ${log}`);
      }
      if (Date.now() - lastReport > 60_000) {
        lastReport = Date.now();
        const runs = Object.values(stats).reduce((a, x) => a + x.runs, 0);
        const fails = Object.values(stats).reduce((a, x) => a + x.failures, 0);
        const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
        console.log(`  ${variant}: ${runs} runs, ${fails} failed, ${left} s left`);
      }
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  return stats;
}

const variants = values.variant ?? listVariants();
console.log(`soak: ${variants.join(', ')} x ${programs.join(', ')}, ${minutes} min per variant, ${jobs} job(s)`);
const rows = [];
for (const v of variants) {
  console.log(`\n=== ${v} ===`);
  const stats = await soakVariant(v);
  for (const [prog, s] of Object.entries(stats)) rows.push({ variant: v, program: prog, ...s });
}

const per1000 = (s) => (s.runs ? (1000 * s.failures) / s.runs : 0);
console.log('\nvariant     program     runs  failures  per 1000 runs');
for (const r of rows) {
  console.log(
    `${r.variant.padEnd(11)} ${r.program.padEnd(11)} ${String(r.runs).padStart(5)} ${String(r.failures).padStart(9)} ${per1000(r).toFixed(2).padStart(14)}`,
  );
}
const total = rows.reduce((a, r) => ({ runs: a.runs + r.runs, failures: a.failures + r.failures }), {
  runs: 0,
  failures: 0,
});
console.log(`total: ${total.runs} runs, ${total.failures} failures (${per1000(total).toFixed(2)} per 1000 runs)`);
process.exit(total.failures ? 1 : 0);
