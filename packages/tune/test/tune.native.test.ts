// `hakmem tune` on synthetic programs whose best choice is known by construction
// (test/tune-c/*.c say why): it must find it, write it into the config as a variant that
// extends the base and builds, stop at its budget and resume from its record.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildVariant, loadConfig } from '@hakmem/compose';
import type { Change } from '../src/candidates.js';
import { parseMetric } from '../src/metric.js';
import { runTuneWith, type TuneHooks, type TuneOptions, type TuneOutcome, type TuneResult } from '../src/run.js';
import { CONFIG_IMPORTS, SLOTS_FIELD, tempDir } from '@hakmem/test-utils';

const src = (name: string) => fileURLToPath(new URL(`tune-c/${name}.c`, import.meta.url));

/** A config with the named variants (TS object-literal source each). */
function writeConfig(dir: string, variants: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'hakmem.config.ts');
  const body = Object.entries(variants)
    .map(([n, v]) => `    ${n}: ${v},`)
    .join('\n');
  writeFileSync(
    path,
    `${CONFIG_IMPORTS}
// a config for hakmem tune's tests
export default defineConfig({
  ${SLOTS_FIELD}
  variants: {
${body}
  },
});
`,
  );
  return path;
}

function compile(dir: string, name: string): string {
  const exe = join(dir, name);
  const r = spawnSync('gcc', ['-O2', '-pthread', '-o', exe, src(name)], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return exe;
}

const lines: string[] = [];
/** runTune through its internal entry: builds cached per test run, and the tests' hooks. */
const runTune = (o: TuneOptions, hooks: TuneHooks = {}): Promise<TuneResult> => runTuneWith(o, hooks);
const base = (o: Partial<TuneOptions> & Pick<TuneOptions, 'config' | 'command' | 'base' | 'outDir'>): TuneOptions => ({
  args: [],
  goal: 'speed',
  name: 'tuned',
  budgetMs: 180_000,
  reps: 5,
  peers: [],
  dryRun: false,
  fresh: false,
  log: (l) => lines.push(l),
  ...o,
});

/** A batching change: the batched remote box, or refill batches of 256 or more (the right
 * answer of both producer-consumer tunes below). */
const batching = (changes: readonly Change[]): boolean =>
  changes.some(
    (c) =>
      ('box' in c && c.slot === 'remote' && c.box === 'batched') ||
      ('tunable' in c && c.slot === 'refill' && c.tunable === 'batchBlocks' && Number(c.value) >= 256),
  );

/** A known-answer producer-consumer tune on this 2-core VM, whose runs split between two speeds
 * (the base of one CI run took 101 ms to 355 ms, median 287): when the first tune confirms no
 * batching change (a batching arm 55% faster by its median, p = 0.35 at 5 runs a side; or, in
 * 4c51c2f's CI, the machine moved to its mode where batching gains little while the screen ran,
 * and purge=retain was confirmed at +3.1%), a second, independent one runs. A tune that misses
 * twice still fails the test. */
async function tuneForWinner(opts: TuneOptions): Promise<TuneResult> {
  const first = await runTune(opts);
  if (first.exit.kind === 'winner' && batching(first.exit.changes)) return first;
  console.log(`[tune] the first tune confirmed no batching change; a second one:\n${first.table}`);
  return runTune({ ...opts, outDir: `${opts.outDir}-again` });
}

/** The producer-consumer tunes' base: cross-thread frees handed over one by one, and every
 * block handed back put on its slab (the pipeline handoff.c is built for). */
const DIRECT_TO_SLABS = `{ description: 'cross-thread frees one by one, back onto their slabs', boxes: { remote: 'direct' }, tunables: { refill: { collectToFront: false } } }`;

/** A tune's winner, failing the test (with the table) when it ended otherwise. */
function winnerOf(r: TuneResult): Extract<TuneOutcome, { kind: 'winner' }> {
  expect(r.exit.kind, r.table).toBe('winner');
  expect(r.record.outcome).toEqual(r.exit);
  return r.exit as Extract<TuneOutcome, { kind: 'winner' }>;
}

describe('hakmem tune', () => {
  const t = tempDir('tune');
  afterAll(() => t.cleanup());

  // The hot loop and burst-idle tunes run side by side: each program is one thread, so one of
  // the two cores was idle through each (15-30 s). The hot loop's answer is a 1.6x gap in wall
  // time, burst_idle's in peak RSS (68 against 37 MiB), which the other core's load moves
  // neither of; the producer-consumer tunes below, whose two threads take both cores, run alone.
  it.concurrent('one size in a hot loop: a front that holds the round wins; the budget stops a run, which resumes', async () => {
    const dir = join(t.dir, 'hot'); // a project of its own: its config, builds and record
    const path = writeConfig(dir, {
      smallfront: `{ description: 'a 32-block front', boxes: { front: 'tcache' }, tunables: { front: { maxBlocks: 32 } } }`,
    });
    const exe = compile(dir, 'hot_loop');
    const outDir = join(dir, 'out');
    const opts = base({
      config: await loadConfig(path),
      command: exe,
      args: ['60000', '200', '48'],
      base: 'smallfront',
      outDir,
    });
    // interrupted after 7 runs: the record keeps them and the next run goes on from there
    const first = await runTune({ ...opts, peers: ['glibc'] }, { stopAfterRuns: 7 });
    expect(first.exit).toMatchObject({ kind: 'budget', runs: 7 });
    expect(first.resumedAt).toBeUndefined();
    expect(readFileSync(path, 'utf8')).not.toMatch(/tuned/);
    const done = first.record.runs.length;
    lines.length = 0;
    const r = await runTune({ ...opts, peers: ['glibc'] });
    expect(r.resumedAt).toBe(7);
    expect(done).toBe(7);
    expect(r.record.runs.slice(0, 7)).toEqual(first.record.runs);
    expect(r.record.runs.length).toBeGreaterThan(done);
    const front = winnerOf(r).changes.find((c) => c.slot === 'front' && 'tunable' in c && c.tunable === 'maxBlocks');
    expect(front && 'value' in front ? front.value : 0, r.table).toBeGreaterThanOrEqual(256);
    expect(r.table).toMatch(/\[glibc\] .* reference/);
    for (const f of ['tune.json', 'table.txt', 'chart.svg']) expect(existsSync(join(outDir, f))).toBe(true);
    // written into the config, extending the base, and it builds
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/\/\/ a config for hakmem tune's tests/);
    expect(text).toMatch(/tuned: \{\n\s+description:\n?\s*'Tuned by `hakmem tune --goal speed`/);
    const cfg = await loadConfig(path);
    expect(cfg.variants.tuned!.tunables.front.maxBlocks).toBeGreaterThanOrEqual(256);
    const built = await buildVariant(cfg, 'tuned');
    expect(existsSync(join(built.distDir, 'libhakmem.so'))).toBe(true);
  });

  it.concurrent('burst then idle, goal memory: memory goes back during the idle instead of after a long delay', async () => {
    const dir = join(t.dir, 'burst');
    const path = writeConfig(dir, {
      slowpurge: `{ description: 'idle slabs kept 5 s', boxes: { purge: 'decay' }, tunables: { purge: { delayMs: 5000 } } }`,
    });
    const exe = compile(dir, 'burst_idle');
    const r = await runTune(
      base({
        config: await loadConfig(path),
        command: exe,
        base: 'slowpurge',
        goal: 'memory',
        outDir: join(dir, 'out'),
        dryRun: true,
      }),
    );
    const won = winnerOf(r);
    const purge = won.changes.find((c) => c.slot === 'purge');
    const short =
      purge !== undefined &&
      ('box' in purge ? purge.box === 'eager' : purge.tunable === 'delayMs' && Number(purge.value) <= 50);
    expect(short, r.table).toBe(true);
    const [b, w] = ['base', won.winner].map((id) =>
      r.record.runs.filter((x) => x.arm === id && x.stage === 'confirm').map((x) => x.rssKb),
    );
    // the burst (32 MiB) is back before the program maps 32 MiB of its own
    expect(Math.min(...b!) / 1024, r.table).toBeGreaterThan(60);
    expect(Math.max(...w!) / 1024, r.table).toBeLessThan(50);
  });

  // With remote/direct every cross-thread free is a CAS on the owner heap's channel, whose line
  // the producer takes back at each refill: batching the frees (remote/batched) or the refills
  // (refill.batchBlocks 256) both cut those transfers, and both run faster here; which of
  // the two is confirmed faster varies with the machine, so either is the right answer, and
  // remote/batched must be confirmed better than direct either way. The base puts every
  // returned block back on its slab (refill.collectToFront false), the pipeline handoff.c is
  // built for: with the default, the producer hands them out again from its front and the two
  // boxes come within 0-26% of each other, in either order with the machine's mode (handoff.c).
  it('producer-consumer: the batched remote box beats direct', async () => {
    const exe = compile(t.dir, 'handoff');
    const path = writeConfig(t.dir, {
      direct: DIRECT_TO_SLABS,
    });
    const r = await tuneForWinner(
      base({
        config: await loadConfig(path),
        command: exe,
        base: 'direct',
        outDir: join(t.dir, 'out-handoff'),
        dryRun: true,
      }),
    );
    expect(r.record.shape!.remoteShare).toBeGreaterThan(0.9);
    const won = winnerOf(r);
    expect(batching(won.changes), r.table).toBe(true);
    // a batching arm is confirmed better beyond the spread. Which one wins moves between runs:
    // this 2-core machine is bimodal here (the base took 95 ms or 333 ms in one run), so the
    // screen keeps one or both. The confirmed one took 20% to 60% off the base on a quiet
    // machine, 12% in CI with other projects running beside it, and 4.5% (round-aligned; 7.3%
    // by raw medians, p = 0.004) in 303d214's CI: the rank test is the claim, the bound only
    // says the gain is not a rounding artefact
    const confirmed = r.record.verdicts!.filter(
      (v) =>
        (v.arm === 'remote=batched' || /^refill\.batchBlocks=(256|512|1024)$/.test(v.arm)) &&
        v.stage === 'confirm' &&
        v.better,
    );
    expect(confirmed.length, r.table).toBeGreaterThan(0);
    for (const v of confirmed) expect(v.ratio, r.table).toBeLessThan(0.97);
    expect(won.written).toBeUndefined();
    expect(readFileSync(path, 'utf8')).not.toMatch(/tuned/);
  });

  // handoff.c for a fixed time, printing its throughput: every run takes the same wall time
  // (and about as much CPU time: both threads spin or yield until stopped), so only the printed
  // figure can rank the candidates. Batching wins as for handoff.c, but which batching arm is
  // confirmed, alone or combined with another change, moves with the machine (64-byte blocks:
  // 1.43x when its two CPUs are far apart, 1.15x when they share a cache, a mode that comes
  // and goes; less under heavy load), so any confirmed arm that batches is the right answer.
  it('fixed-duration producer-consumer, --metric ops/s higher-is-better: batching beats direct', async () => {
    const exe = compile(t.dir, 'handoff_timed');
    const path = writeConfig(t.dir, {
      direct: DIRECT_TO_SLABS,
    });
    lines.length = 0;
    const r = await tuneForWinner(
      base({
        config: await loadConfig(path),
        command: exe,
        args: ['500', '64'],
        base: 'direct',
        metric: parseMetric('ops/s: ([0-9.]+)', true),
        outDir: join(t.dir, 'out-timed'),
        dryRun: true,
      }),
    );
    expect(lines.some((l) => /too few/.test(l))).toBe(false);
    expect(r.table.split('\n')[0]).toBe('ranked by ops/s (higher is better), from /ops/s: ([0-9.]+)/ in the output');
    expect(
      r.record.runs.every((x) => x.ok && Number.isFinite(x.figure)),
      r.table,
    ).toBe(true);
    const won = winnerOf(r);
    expect(batching(won.changes), r.table).toBe(true);
    // every confirmed arm with a batching change (alone or combined) took more ops/s beyond
    // rounding (the rank test is the claim): 15-45% on a quiet machine, less under load
    const confirmed = r.record.verdicts!.filter(
      (v) => v.stage === 'confirm' && v.better && batching(r.record.arms[v.arm]!.changes ?? []),
    );
    expect(confirmed.length, r.table).toBeGreaterThan(0);
    for (const v of confirmed) expect(v.ratio, r.table).toBeGreaterThan(1.03);
    expect(won.message).toMatch(/speed, ops\/s \(higher is better\): median [0-9.]+% higher/);
    expect(won.variant.description).toMatch(/--metric 'ops\/s: \(\[0-9\.\]\+\)' --higher-is-better/);
    const wall = r.record.runs.map((x) => x.wall);
    expect(Math.max(...wall) / Math.min(...wall), r.table).toBeLessThan(1.5);
  });

  // 3 runs against 3 give at best p = 0.05, never below it: the tune says so, once, before it
  // runs anything, and runs the fewest rounds that can pass (4, also under Holm over 3).
  it('--reps 3: too few for the rank test, raised to 4 rounds', async () => {
    const exe = compile(t.dir, 'handoff_timed');
    const path = writeConfig(t.dir, {
      direct: `{ description: 'cross-thread frees one by one', boxes: { remote: 'direct' } }`,
    });
    lines.length = 0;
    const r = await runTune(
      base({
        config: await loadConfig(path),
        command: exe,
        args: ['50'],
        base: 'direct',
        metric: parseMetric('ops/s: ([0-9.]+)', true),
        reps: 3,
        outDir: join(t.dir, 'out-reps3'),
        dryRun: true,
      }),
      { stopAfterRuns: 1 },
    );
    const warned = lines.findIndex((l) => /^--reps 3 is too few for the rank test to decide/.test(l));
    expect(warned, lines.join('\n')).toBe(0);
    expect(lines.filter((l) => /too few/.test(l))).toHaveLength(1);
    expect(lines[0]).toMatch(/at best p = 0\.050.*screening with 4 rounds and confirming with 4$/);
    expect(r.record.stages[0]!.rounds).toBe(4);
  });
});
