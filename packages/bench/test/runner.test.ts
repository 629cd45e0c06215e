/**
 * Runs the real runner on the tiny suite (each benchmark ~0.1 s) against the
 * allocators this machine has: hakmem's default variant when dist/default is
 * built (as in CI), glibc, and whichever peers are installed. Asserts that the
 * reports are complete and well-formed, never anything about speed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCHMARKS, BENCH_DEFS, programOf } from '../src/benchmarks.js';
import { buildPrograms, HELPER } from '../src/build.js';
import { main, PACKAGE_DIR, type Io } from '../src/cli.js';
import type { Report, Row } from '../src/report-json.js';
import { parseBenchLine, parseRunrssLine } from '../src/run.js';
import { checkXml } from './xml.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const HAS_DEFAULT = existsSync(join(ROOT, 'dist', 'default', 'libhakmem.so'));
const VARIANT_ARGS = HAS_DEFAULT ? ['--variants', 'default'] : ['--variants', 'none'];
const HAS_VALGRIND = (() => {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function capture(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    out: () => out,
    err: () => err,
  };
}

const tmps: string[] = [];
const tmp = (tag: string) => {
  const d = mkdtempSync(join(tmpdir(), `hakmem-bench-${tag}-`));
  tmps.push(d);
  return d;
};
afterAll(() => {
  for (const d of tmps) rmSync(d, { recursive: true, force: true });
});

const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;

function expectCompleteRow(r: Row | undefined, reps: number) {
  expect(r, 'row present').toBeDefined();
  const row = r as Row;
  expect(row.error, `${row.benchmark}/${row.allocator}: ${row.error}`).toBeUndefined();
  for (const k of [
    'opsPerSec',
    'opsPerSecMin',
    'opsPerSecMax',
    'seconds',
    'peakRssKb',
    'peakRssKbMin',
    'peakRssKbMax',
  ] as const) {
    expect(positive(row[k]), `${row.benchmark}/${row.allocator} ${k}=${row[k]}`).toBe(true);
  }
  expect(row.opsPerSecMin as number).toBeLessThanOrEqual(row.opsPerSec as number);
  expect(row.opsPerSec as number).toBeLessThanOrEqual(row.opsPerSecMax as number);
  expect(row.reps).toBe(reps);
  expect(row.okReps).toBe(reps);
  expect(row.samples).toHaveLength(reps);
  for (const s of row.samples) {
    expect(positive(s.opsPerSec) && positive(s.peakRssKb) && positive(s.wallSeconds)).toBe(true);
    expect(positive(s.minorFaults), `${row.benchmark}/${row.allocator} minorFaults=${s.minorFaults}`).toBe(true);
    expect(s.majorFaults).toBeGreaterThanOrEqual(0);
  }
  // every process faults pages in at least at start-up
  expect(positive(row.minorFaults) && positive(row.faultsPerOp), `${row.benchmark}/${row.allocator} faults`).toBe(true);
  expect(row.faultsPerOp).toBeCloseTo((row.samples[0]?.minorFaults as number) / (row.samples[0]?.ops as number));
  expect(positive(row.faultsRatioToBestPeer)).toBe(true);
  // every allocator has ratios once at least one peer ran (glibc always does)
  expect(positive(row.ratioToBestPeer), `${row.benchmark}/${row.allocator} ratioToBestPeer`).toBe(true);
  expect(positive(row.rssRatioToBestPeer)).toBe(true);
}

describe('benchmark programs', () => {
  it('each one does exactly the op count it is given, and runrss reports the child', async () => {
    const bins = await buildPrograms([HELPER, ...new Set(BENCHMARKS.map((b) => programOf(BENCH_DEFS[b])))], {
      sourceDir: join(PACKAGE_DIR, 'c'),
      cacheDir: join(PACKAGE_DIR, '.build'),
    });
    const p = { suite: 'tiny' as const, threads: 2, seed: 7 };
    for (const name of BENCHMARKS) {
      const n = name === 'vm' ? 20 : 20_000;
      const program = programOf(BENCH_DEFS[name]);
      const out = execFileSync(bins.get(program) as string, BENCH_DEFS[name].opsArgs(n, p), { encoding: 'utf8' });
      const line = parseBenchLine(out, program);
      expect(line, `${name} printed ${out}`).not.toBeNull();
      expect(line?.ops).toBe(n);
      expect(positive(line?.opsPerSec)).toBe(true);
    }
    const rr = execFileSync(bins.get(HELPER) as string, ['--', 'sh', '-c', 'exit 3'], { encoding: 'utf8' });
    expect(parseRunrssLine(rr)?.exit).toBe(3);
    expect(parseRunrssLine(rr)?.minorFaults).toBeGreaterThan(0);
    const usage = (() => {
      try {
        execFileSync(bins.get('larson') as string, [], { stdio: 'pipe' });
        return 0;
      } catch (e) {
        return (e as { status: number }).status;
      }
    })();
    expect(usage).toBe(2);
  });
});

describe('burst_idle', () => {
  it('samples RSS every 10 ms from before the burst, through the idle tail, and after malloc_trim', async () => {
    const bins = await buildPrograms(['burst_idle'], {
      sourceDir: join(PACKAGE_DIR, 'c'),
      cacheDir: join(PACKAGE_DIR, '.build'),
    });
    const out = execFileSync(bins.get('burst_idle') as string, ['8', '0.2', '3'], { encoding: 'utf8' });
    const line = parseBenchLine(out, 'burst_idle') as Record<string, unknown>;
    expect(line).not.toBeNull();
    const tl = line.rssTimelineKb as number[];
    expect(line.sampleMs).toBe(10);
    expect(line.burstMib).toBe(8);
    expect(line.burstBytes as number).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(line.burstBytes as number).toBeLessThan(8 * 1024 * 1024 + 2 * 1025);
    // 0.2 s of idle tail alone is 20 samples, plus the one before the burst and the burst's
    expect(tl.length).toBeGreaterThanOrEqual(21);
    expect(tl.every((v) => Number.isInteger(v) && v > 0)).toBe(true);
    expect(line.rssStartKb).toBe(tl[0]);
    expect(line.rssEndKb).toBe(tl[tl.length - 1]);
    expect(line.rssPeakKb).toBe(Math.max(...tl));
    // the burst's 8 MiB were resident at some point
    expect((line.rssPeakKb as number) - (line.rssStartKb as number)).toBeGreaterThan(6 * 1024);
    expect(positive(line.rssAfterTrimKb)).toBe(true);
    expect(line.ops as number).toBeGreaterThan((8 * 1024 * 1024) / 1024);
  });
});

describe('runner, tiny suite', () => {
  let out: string;
  let code: number;
  let io: ReturnType<typeof capture>;
  let report: Report;

  let servedLog = '';

  beforeAll(async () => {
    out = tmp('tiny');
    io = capture();
    // hakmem appends one line per process at exit to $HAKMEM_REPORT: proof that the preload served the run
    const saved = process.env.HAKMEM_REPORT;
    const served = join(out, 'hakmem-served.log');
    process.env.HAKMEM_REPORT = served;
    try {
      code = await main(['--suite', 'tiny', '--out', out, '--threads', '2', ...VARIANT_ARGS], io);
    } finally {
      if (saved === undefined) delete process.env.HAKMEM_REPORT;
      else process.env.HAKMEM_REPORT = saved;
    }
    servedLog = existsSync(served) ? readFileSync(served, 'utf8') : '';
    report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as Report;
  });

  it.skipIf(!HAS_DEFAULT)('really ran hakmem under LD_PRELOAD', () => {
    const lines = servedLog.split('\n').filter((l) => /^hakmem pid=\d+ variant=default /.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(BENCHMARKS.length);
  });

  it('exits 0 and prints a table', () => {
    expect(code, io.err()).toBe(0);
    expect(io.out()).toContain('vs best peer');
    for (const b of BENCHMARKS) expect(io.out()).toContain(b);
    expect(io.err()).toMatch(/\[\d+\/\d+\] larson · glibc · rep 1\/1: /); // non-TTY progress lines
  });

  it('has every benchmark × allocator row, complete and positive', () => {
    const names = report.allocators.map((a) => a.name);
    expect(names).toContain('glibc');
    if (HAS_DEFAULT) expect(names[0]).toBe('hakmem-default');
    expect(report.rows).toHaveLength(BENCHMARKS.length * names.length);
    for (const b of BENCHMARKS) {
      for (const a of names)
        expectCompleteRow(
          report.rows.find((r) => r.benchmark === b && r.allocator === a),
          1,
        );
    }
    // the best peer has ratio 1 exactly, and is a peer
    for (const b of BENCHMARKS) {
      const best = report.bestPeers[b]?.throughput;
      expect(best).not.toBeNull();
      const row = report.rows.find((r) => r.benchmark === b && r.allocator === best?.name);
      expect(row?.isPeer).toBe(true);
      expect(row?.ratioToBestPeer).toBe(1);
    }
    if (report.skipped.length > 0) console.log('peers skipped on this machine:', report.skipped);
  });

  it('has the top-level fields: schema, date, machine, options, variants, benchmarks', () => {
    expect(report.schema).toBe('hakmem-bench/1');
    expect(Number.isNaN(Date.parse(report.date))).toBe(false);
    expect(report.machine.cpuModel.length).toBeGreaterThan(0);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.kernel.length).toBeGreaterThan(0);
    expect(report.options).toMatchObject({ suite: 'tiny', reps: 1, threads: 2, instructions: false });
    expect(report.benchmarks.map((b) => b.name)).toEqual([...BENCHMARKS]);
    expect(report.failures).toEqual([]);
    if (HAS_DEFAULT) {
      const vj = join(ROOT, 'dist', 'default', 'variant.json');
      expect(report.variants.default).toEqual(existsSync(vj) ? JSON.parse(readFileSync(vj, 'utf8')) : null);
    } else {
      expect(report.variants).toEqual({});
    }
  });

  it('burst_idle rows carry their RSS timeline, and rss-timeline.svg has a line per allocator', () => {
    for (const a of report.allocators) {
      const row = report.rows.find((r) => r.benchmark === 'burst_idle' && r.allocator === a.name) as Row;
      expect(row.timelineSampleMs).toBe(10);
      expect(row.timelineKb?.length ?? 0).toBeGreaterThanOrEqual(50); // 0.5 s of idle tail
      expect(row.params.rssTimelineKb).toBeUndefined();
      for (const k of ['rssStartKb', 'rssPeakKb', 'rssEndKb', 'rssAfterTrimKb'])
        expect(positive(row.params[k]), k).toBe(true);
    }
    const svg = readFileSync(join(out, 'rss-timeline.svg'), 'utf8');
    expect(checkXml(svg)).toEqual({ ok: true, root: 'svg' });
    expect(svg.match(/<polyline /g)).toHaveLength(report.allocators.length);
    for (const a of report.allocators) expect(svg).toContain(`>${a.name}</text>`);
    expect(svg).toContain('burst of 32 MiB');
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toContain('](rss-timeline.svg)');
  });

  it('writes <timestamp>.json, latest.json, latest.md and two well-formed SVGs', () => {
    const files = readdirSync(out);
    const stamped = files.filter((f) => /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/.test(f));
    expect(stamped).toHaveLength(1);
    expect(readFileSync(join(out, stamped[0] as string), 'utf8')).toBe(readFileSync(join(out, 'latest.json'), 'utf8'));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const md = readFileSync(join(out, 'latest.md'), 'utf8');
    expect(md).toContain('# hakmem benchmarks');
    expect(md).toMatch(/^\| benchmark \| .*glibc.* \|$/m);
    expect(md).toMatch(/^\| :--- \|( ---: \|)+$/m);
    for (const b of BENCHMARKS) expect(md).toMatch(new RegExp(`^\\| ${b} \\|`, 'm'));

    for (const f of ['throughput.svg', 'rss.svg']) {
      const svg = readFileSync(join(out, f), 'utf8');
      expect(svg).toContain('<svg');
      expect(checkXml(svg), f).toEqual({ ok: true, root: 'svg' });
      for (const a of report.allocators) expect(svg).toContain(a.name);
      for (const b of BENCHMARKS) expect(svg).toContain(`>${b}<`);
    }
  });
});

describe('runner edge cases', () => {
  it.skipIf(!HAS_VALGRIND)('--instructions gives exact instructions per op from callgrind', async () => {
    const out = tmp('instr');
    const io = capture();
    const code = await main(
      [
        '--suite',
        'tiny',
        '--bench',
        'tiny_hot,larson',
        '--peers',
        'glibc,mimalloc',
        '--instructions',
        '--threads',
        '2',
        '--out',
        out,
        ...VARIANT_ARGS,
      ],
      io,
    );
    expect(code, io.err()).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as Report;
    expect(report.options.instructions).toBe(true);
    for (const r of report.rows) {
      expect(
        positive(r.instructionsPerOp),
        `${r.benchmark}/${r.allocator} instructionsPerOp=${r.instructionsPerOp}`,
      ).toBe(true);
      expect(r.instructionsPerOp as number).toBeLessThan(1e6);
      expect(positive(r.instructionsRatioToBestPeer)).toBe(true);
      expect(r.instructions?.at2N as number).toBeGreaterThan(r.instructions?.atN as number);
    }
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toContain('Instructions per op');
    expect(io.out()).toContain('instr/op');
  });

  it('skips a missing peer, and fails (exit 1, row with an error) a library that cannot be preloaded', async () => {
    const out = tmp('bad');
    const notElf = join(out, 'not-a-library.so');
    writeFileSync(notElf, 'this is not an ELF file\n');
    const io = capture();
    const code = await main(
      [
        '--suite',
        'tiny',
        '--bench',
        'tiny_hot',
        '--variants',
        'none',
        '--peers',
        'glibc',
        '--peer',
        `bogus=${notElf}`,
        '--peer',
        'ghost=/nonexistent/libghost.so',
        '--out',
        out,
      ],
      io,
    );
    expect(code).toBe(1);
    expect(io.err()).toContain('skipping ghost');
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as Report;
    expect(report.skipped.map((s) => s.name)).toEqual(['ghost']);
    expect(report.failures.map((f) => f.allocator)).toEqual(['bogus']);
    expect(report.failures[0]?.error).toContain('cannot be preloaded');
    expectCompleteRow(
      report.rows.find((r) => r.allocator === 'glibc'),
      1,
    );
  });

  it('--readme-assets copies the charts into <root>/docs/bench, reports go to <root>/bench-results', async () => {
    const root = tmp('root');
    writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
    const io = capture();
    const code = await main(
      [
        '--suite',
        'tiny',
        '--bench',
        'tiny_hot',
        '--variants',
        'none',
        '--peers',
        'glibc',
        '--root',
        root,
        '--readme-assets',
      ],
      io,
    );
    expect(code, io.err()).toBe(0);
    for (const f of ['throughput.svg', 'rss.svg']) {
      const copy = readFileSync(join(root, 'docs', 'bench', f), 'utf8');
      expect(copy).toBe(readFileSync(join(root, 'bench-results', f), 'utf8'));
    }
    expect(existsSync(join(root, 'bench-results', 'latest.json'))).toBe(true);
  });

  it('a hakmem variant that is not built is a clear error', async () => {
    const io = capture();
    const code = await main(['--suite', 'tiny', '--variants', 'no-such-variant', '--out', tmp('missing')], io);
    expect(code).toBe(2);
    expect(io.err()).toContain('npx hakmem build no-such-variant');
  });

  it('usage errors exit 2 with the usage text', async () => {
    const io = capture();
    expect(await main(['--bench', 'nope'], io)).toBe(2);
    expect(io.err()).toContain('unknown benchmark');
    expect(io.err()).toContain('usage: hakmem-bench');
  });

  it.skipIf(!existsSync(join(PACKAGE_DIR, 'dist', 'cli.js')))('bin/hakmem-bench.mjs runs the built runner', () => {
    const help = execFileSync(process.execPath, [join(PACKAGE_DIR, 'bin', 'hakmem-bench.mjs'), '--help'], {
      encoding: 'utf8',
    });
    expect(help).toContain('usage: hakmem-bench');
  });
});
