/** hakmem-bench: builds the programs, runs them under each allocator, writes the reports. */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveAllocators, SetupError, skipLine, type Allocator } from './allocators.js';
import { parseArgs, USAGE, UsageError, type Options } from './args.js';
import { BENCH_DEFS, programOf, runTimeout, type BenchParams } from './benchmarks.js';
import { BuildError, buildPrograms, HELPER } from './build.js';
import { instructionsPerOp, valgrindVersion, ValgrindUnsupported } from './callgrind.js';
import { Progress, type ProgressStream } from './progress.js';
import {
  buildReport,
  machineInfo,
  writeFileAtomic,
  writeJsonReports,
  type RawResult,
  type Report,
} from './report-json.js';
import { renderMarkdown } from './report-md.js';
import { runOnce } from './run.js';
import { rssSvg, rssTimelineSvg, throughputSvg } from './svg.js';
import { fmtInstr, fmtKb, fmtRate, terminalTable } from './table.js';

/** packages/bench (one level above src/ or dist/) */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface Io {
  stdout: { write(s: string): unknown };
  stderr: ProgressStream;
}

const isRoot = (d: string) => existsSync(join(d, 'pnpm-workspace.yaml')) || existsSync(join(d, 'hakmem.config.ts'));

/** The repository root: --root, else the checkout this package sits in, else the nearest workspace above cwd, else cwd. */
export function findRoot(explicit: string | null, pkgDir = PACKAGE_DIR, cwd = process.cwd()): string {
  if (explicit) return resolve(explicit);
  const up = resolve(pkgDir, '..', '..');
  if (isRoot(up) && existsSync(join(up, 'packages', 'bench'))) return up;
  for (let d = resolve(cwd); ; d = dirname(d)) {
    if (isRoot(d)) return d;
    if (dirname(d) === d) break;
  }
  return resolve(cwd);
}

export interface BenchRun {
  report: Report;
  files: string[];
}

export async function runBench(
  opts: Options,
  io: Io = { stdout: process.stdout, stderr: process.stderr },
): Promise<BenchRun> {
  const root = findRoot(opts.root);
  const outDir = resolve(opts.out ?? join(root, 'bench-results'));
  const { allocators, skipped } = resolveAllocators(root, opts.variants, opts.peers, opts.extraPeers);
  for (const s of skipped) io.stderr.write(skipLine(s));
  if (allocators.length === 0)
    throw new SetupError('no allocator to run (every peer skipped and no hakmem variant given)');
  if (opts.instructions && !(await valgrindVersion())) {
    throw new SetupError('--instructions needs valgrind: apt-get install valgrind');
  }

  const benches = opts.benches.map((b) => BENCH_DEFS[b]);
  let announced = false;
  const bins = await buildPrograms([HELPER, ...new Set(benches.map(programOf))], {
    sourceDir: join(PACKAGE_DIR, 'c'),
    cacheDir: process.env.HAKMEM_BENCH_BUILD_DIR ?? join(PACKAGE_DIR, '.build'),
    onCompile: (name) => {
      if (!announced) io.stderr.write('hakmem-bench: compiling benchmark programs (gcc -O2 -pthread)…\n');
      announced = true;
      void name;
    },
  });
  const runrss = bins.get(HELPER) as string;
  const params: BenchParams = { suite: opts.suite, threads: opts.threads, seed: opts.seed };
  const timeout = runTimeout(opts.suite);

  const raw = new Map<string, RawResult>();
  const key = (b: string, a: Allocator) => `${b}\0${a.name}`;
  for (const b of benches) {
    for (const a of allocators)
      raw.set(key(b.name, a), { benchmark: b.name, allocator: a, reps: opts.reps, samples: [], errors: [] });
  }

  const total = benches.length * allocators.length * (opts.reps + (opts.instructions ? 1 : 0));
  const progress = new Progress(total, io.stderr);
  io.stderr.write(
    `hakmem-bench: ${benches.length} benchmark(s) × ${allocators.length} allocator(s) [${allocators.map((a) => a.name).join(', ')}] × ${opts.reps} rep(s), suite ${opts.suite}, ${opts.threads} threads\n`,
  );
  try {
    // Timed runs, interleaved: for each benchmark, A B C A B C ...
    for (const b of benches) {
      const bin = bins.get(programOf(b)) as string;
      const args = b.args(params);
      for (let rep = 1; rep <= opts.reps; rep++) {
        for (const a of allocators) {
          const label = `${b.name} · ${a.name} · rep ${rep}/${opts.reps}`;
          progress.start(label);
          const r = await runOnce({
            runrss,
            binary: bin,
            args,
            benchmark: programOf(b),
            allocator: a,
            timeoutSeconds: timeout,
          });
          const slot = raw.get(key(b.name, a)) as RawResult;
          if (r.ok) {
            slot.samples.push({ ...r.sample, rep });
            progress.finishStep(label, `${fmtRate(r.sample.opsPerSec)} ops/s, ${fmtKb(r.sample.peakRssKb)}`);
          } else {
            slot.errors.push(r.error);
            progress.log(`hakmem-bench: ${b.name} under ${a.name} failed: ${r.error}`);
            progress.finishStep(label, 'FAILED');
          }
        }
      }
    }
    // Instruction counts: deterministic, so order does not matter.
    if (opts.instructions) {
      // allocators valgrind cannot run at all (Scudo): tried once, then n/a for every benchmark
      const unsupported = new Map<string, string>();
      for (const b of benches) {
        const bin = bins.get(programOf(b)) as string;
        const n = b.instructionOps(opts.suite);
        for (const a of allocators) {
          const label = `${b.name} · ${a.name} · callgrind N=${n}`;
          progress.start(label);
          const slot = raw.get(key(b.name, a)) as RawResult;
          const known = unsupported.get(a.name);
          if (known !== undefined) {
            slot.instructions = { unavailable: known };
            progress.finishStep(label, 'n/a');
            continue;
          }
          try {
            slot.instructions = await instructionsPerOp(bin, (k) => b.opsArgs(k, params), n, a, Math.max(600, timeout));
            progress.finishStep(label, `${fmtInstr(slot.instructions.perOp)} instructions/op`);
          } catch (e) {
            if (e instanceof ValgrindUnsupported) {
              unsupported.set(a.name, e.message);
              slot.instructions = { unavailable: e.message };
              progress.log(`hakmem-bench: instructions under ${a.name}: n/a (${e.message})`);
              progress.finishStep(label, 'n/a');
              continue;
            }
            slot.instructions = { error: (e as Error).message };
            progress.log(`hakmem-bench: callgrind of ${b.name} under ${a.name} failed: ${(e as Error).message}`);
            progress.finishStep(label, 'FAILED');
          }
        }
      }
    }
  } finally {
    progress.end();
  }

  const report = buildReport({
    date: new Date(),
    machine: machineInfo(),
    options: {
      suite: opts.suite,
      reps: opts.reps,
      threads: opts.threads,
      seed: opts.seed,
      benches: opts.benches,
      variants: opts.variants,
      peers: opts.peers,
      extraPeers: opts.extraPeers,
      instructions: opts.instructions,
    },
    allocators,
    skipped,
    benchmarks: benches.map((b) => ({
      name: b.name,
      ...(programOf(b) !== b.name ? { program: programOf(b) } : {}),
      description: b.description,
      args: b.args(params),
      ...(opts.instructions ? { instructionOps: b.instructionOps(opts.suite) } : {}),
    })),
    raw: [...raw.values()],
  });

  const files = writeJsonReports(outDir, report);
  const md = join(outDir, 'latest.md');
  const tp = join(outDir, 'throughput.svg');
  const rss = join(outDir, 'rss.svg');
  writeFileAtomic(md, renderMarkdown(report));
  writeFileAtomic(tp, throughputSvg(report));
  writeFileAtomic(rss, rssSvg(report));
  files.push(md, tp, rss);
  const timeline = rssTimelineSvg(report); // only when burst_idle ran
  if (timeline) {
    const f = join(outDir, 'rss-timeline.svg');
    writeFileAtomic(f, timeline);
    files.push(f);
  }
  if (opts.readmeAssets) {
    const assets = join(root, 'docs', 'bench');
    mkdirSync(assets, { recursive: true });
    for (const f of [tp, rss]) {
      const dest = join(assets, f.slice(outDir.length + 1));
      copyFileSync(f, dest);
      files.push(dest);
    }
  }
  return { report, files };
}

/** The command line; resolves to the exit code (0 ok, 1 some run failed, 2 usage or setup error). */
export async function main(
  argv: readonly string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`hakmem-bench: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (opts.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  try {
    const { report, files } = await runBench(opts, io);
    io.stdout.write(`\n${terminalTable(report)}`);
    io.stderr.write(`\nhakmem-bench: wrote ${files.join(', ')}\n`);
    return report.failures.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof SetupError || e instanceof BuildError) {
      io.stderr.write(`hakmem-bench: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
