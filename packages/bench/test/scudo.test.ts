/**
 * Scudo, the hardened peer of the secure variant: its option, how it is found and skipped, the
 * "secure / scudo" columns, ns per malloc + free pair, and instruction counts that are n/a because
 * valgrind cannot run Scudo. Pure functions on fixed inputs, then one real run when this machine has
 * Scudo, valgrind and dist/secure.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compilerRtArch,
  findScudo,
  missingReason,
  resolveAllocators,
  scudoCandidates,
  skipLine,
  type Allocator,
} from '../src/allocators.js';
import { defaultPeers, parseArgs, USAGE, UsageError } from '../src/args.js';
import { failedMmap, scudoError, scudoUnderValgrindReason } from '../src/callgrind.js';
import { main, type Io } from '../src/cli.js';
import { buildReport, computeRows, hardenedPairs, type RawResult, type Report } from '../src/report-json.js';
import { renderMarkdown } from '../src/report-md.js';
import type { Sample } from '../src/run.js';
import { fmtNs, terminalTable } from '../src/table.js';

const tmps: string[] = [];
const tmp = (tag: string) => {
  const d = mkdtempSync(join(tmpdir(), `hakmem-bench-${tag}-`));
  tmps.push(d);
  return d;
};
afterAll(() => {
  for (const d of tmps) rmSync(d, { recursive: true, force: true });
});

describe('the scudo peer on the command line', () => {
  it('is a known peer, named in the help text', () => {
    expect(parseArgs(['--peers', 'glibc,mimalloc,scudo']).peers).toEqual(['glibc', 'mimalloc', 'scudo']);
    expect(parseArgs(['--peers=scudo']).peers).toEqual(['scudo']);
    expect(() => parseArgs(['--peers', 'scudo2'])).toThrow(UsageError);
    expect(() => parseArgs(['--peers', 'hoard'])).toThrow(/known: glibc, mimalloc, jemalloc, tcmalloc, scudo/);
    expect(USAGE).toMatch(/--peers a,b +glibc,mimalloc,jemalloc,tcmalloc,scudo/);
    expect(USAGE).toContain('plus scudo when the secure variant runs');
  });

  it('runs by default only when the secure variant does; --peers is taken as given', () => {
    expect(parseArgs([]).peers).toEqual(['glibc', 'mimalloc', 'jemalloc', 'tcmalloc']);
    expect(parseArgs(['--variants', 'default,secure']).peers).toEqual([
      'glibc',
      'mimalloc',
      'jemalloc',
      'tcmalloc',
      'scudo',
    ]);
    // the order of the options does not matter
    expect(parseArgs(['--quick', '--variants=secure']).peers.at(-1)).toBe('scudo');
    expect(parseArgs(['--variants', 'secure', '--peers', 'glibc']).peers).toEqual(['glibc']);
    expect(parseArgs(['--peers', 'glibc', '--variants', 'secure']).peers).toEqual(['glibc']);
    expect(parseArgs(['--variants', 'none']).peers).not.toContain('scudo');
    expect(defaultPeers(['lean', 'debug'])).toEqual(['glibc', 'mimalloc', 'jemalloc', 'tcmalloc']);
  });
});

describe('finding Scudo', () => {
  /** A fake /usr/lib with LLVM 9, 14 and 16 (16 in the per-target layout), for x86_64 and aarch64. */
  function fakeLlvm(): string {
    const base = tmp('llvm');
    const put = (rel: string) => {
      const p = join(base, rel);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, '');
    };
    put('llvm-9/lib/clang/9.0.1/lib/linux/libclang_rt.scudo_standalone-x86_64.so');
    put('llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.scudo_standalone-x86_64.so');
    put('llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.scudo_standalone-aarch64.so');
    put('llvm-16/lib/clang/16/lib/x86_64-pc-linux-gnu/libclang_rt.scudo_standalone.so');
    mkdirSync(join(base, 'llvm-18/lib/clang/18/lib/linux'), { recursive: true }); // installed without compiler-rt
    mkdirSync(join(base, 'x86_64-linux-gnu'), { recursive: true });
    return base;
  }

  it('looks at every LLVM, newest first, and takes the newest one that is there', () => {
    const base = fakeLlvm();
    const c = scudoCandidates('x86_64', base).map((p) => p.slice(base.length + 1));
    expect(c).toEqual([
      'llvm-18/lib/clang/18/lib/linux/libclang_rt.scudo_standalone-x86_64.so',
      'llvm-16/lib/clang/16/lib/linux/libclang_rt.scudo_standalone-x86_64.so',
      'llvm-16/lib/clang/16/lib/x86_64-pc-linux-gnu/libclang_rt.scudo_standalone.so',
      'llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.scudo_standalone-x86_64.so',
      'llvm-9/lib/clang/9.0.1/lib/linux/libclang_rt.scudo_standalone-x86_64.so',
    ]);
    expect(findScudo('x86_64', base)).toBe(
      join(base, 'llvm-16/lib/clang/16/lib/x86_64-pc-linux-gnu/libclang_rt.scudo_standalone.so'),
    );
    expect(findScudo('aarch64', base)).toBe(
      join(base, 'llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.scudo_standalone-aarch64.so'),
    );
    expect(findScudo('riscv64', base)).toBeNull();
    expect(findScudo('x86_64', join(base, 'nonexistent'))).toBeNull();
  });

  it.skipIf(process.getuid?.() === 0)('skips a library it cannot read', () => {
    const base = fakeLlvm();
    chmodSync(join(base, 'llvm-16/lib/clang/16/lib/x86_64-pc-linux-gnu/libclang_rt.scudo_standalone.so'), 0);
    expect(findScudo('x86_64', base)).toBe(
      join(base, 'llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.scudo_standalone-x86_64.so'),
    );
  });

  it("spells Node's architectures as compiler-rt does", () => {
    expect(compilerRtArch('x64')).toBe('x86_64');
    expect(compilerRtArch('arm64')).toBe('aarch64');
    expect(compilerRtArch('ia32')).toBe('i386');
    expect(compilerRtArch('riscv64')).toBe('riscv64');
  });

  it('a missing Scudo is skipped with one line naming the library and the Debian package', () => {
    const r = resolveAllocators(
      '/nonexistent-root',
      [],
      ['glibc', 'scudo'],
      [],
      () => null,
      () => null,
    );
    expect(r.allocators.map((a) => a.name)).toEqual(['glibc']);
    expect(r.skipped).toEqual([{ name: 'scudo', reason: missingReason('scudo') }]);
    const line = skipLine(r.skipped[0] as (typeof r.skipped)[number]);
    expect(line).toBe(
      `hakmem-bench: skipping scudo: libclang_rt.scudo_standalone-${compilerRtArch()}.so not found in ` +
        '/usr/lib/llvm-*/lib/clang/*/lib/linux/ (apt-get install libclang-rt-dev, or --peer scudo=/path.so)\n',
    );
    expect(line.split('\n')).toHaveLength(2); // one line
  });

  it('a found Scudo is a peer of hakmem-secure, not a best-peer candidate, also when given with --peer', () => {
    const lib = '/proc/self/status'; // any readable file
    const r = resolveAllocators(
      '/nonexistent-root',
      [],
      ['glibc', 'scudo'],
      [],
      () => null,
      () => lib,
    );
    expect(r.allocators[1]).toEqual({
      name: 'scudo',
      kind: 'peer',
      isPeer: false,
      preload: lib,
      hardenedPeerOf: 'hakmem-secure',
    });
    const extra = resolveAllocators('/nonexistent-root', [], ['glibc'], [{ name: 'scudo', path: lib }]);
    expect(extra.allocators[1]).toMatchObject({ name: 'scudo', isPeer: false, hardenedPeerOf: 'hakmem-secure' });
    const other = resolveAllocators('/nonexistent-root', [], [], [{ name: 'hardened-malloc', path: lib }]);
    expect(other.allocators[0]).toMatchObject({ isPeer: true });
    expect(other.allocators[0]?.hardenedPeerOf).toBeUndefined();
  });
});

// ---- reports, on fixed inputs ----

const allocator = (name: string): Allocator => {
  if (name.startsWith('hakmem-'))
    return { name, kind: 'hakmem', isPeer: false, preload: `/d/${name}.so`, variant: name.slice(7) };
  if (name === 'glibc') return { name, kind: 'glibc', isPeer: true, preload: null };
  if (name === 'scudo')
    return { name, kind: 'peer', isPeer: false, preload: '/s/scudo.so', hardenedPeerOf: 'hakmem-secure' };
  return { name, kind: 'peer', isPeer: true, preload: `/p/${name}.so` };
};

const sample = (opsPerSec: number, peakRssKb: number): Sample => ({
  opsPerSec,
  seconds: 1,
  ops: opsPerSec,
  peakRssKb,
  minorFaults: 100,
  majorFaults: 0,
  wallSeconds: 1,
  userSeconds: 1,
  sysSeconds: 0,
  result: { benchmark: 'b', ops: opsPerSec, seconds: 1, opsPerSec, peakRssKb },
});

/** ops/s and peak RSS (KiB) per run, for tiny_hot and larson. */
const DATA: Record<string, Record<string, [number, number][]>> = {
  tiny_hot: {
    // 12.5 ns, 10 ns, 20 ns per pair: median 12.5 ns
    'hakmem-secure': [
      [80e6, 1600],
      [100e6, 1600],
      [50e6, 1700],
    ],
    glibc: [[100e6, 1400]],
    mimalloc: [[125e6, 1500]],
    // faster and smaller than every speed peer, and still not their best peer
    scudo: [
      [25e6, 2000],
      [26e6, 2000],
      [200e6, 1000],
    ],
  },
  larson: {
    'hakmem-secure': [[60e6, 3000]],
    glibc: [[40e6, 2000]],
    mimalloc: [[50e6, 4000]],
    scudo: [[20e6, 6000]],
  },
};

function fakeReport(names: string[], instructions?: (a: Allocator) => RawResult['instructions']): Report {
  const allocators = names.map(allocator);
  const raw: RawResult[] = [];
  for (const [bench, per] of Object.entries(DATA)) {
    for (const a of allocators) {
      const runs = per[a.name] ?? [];
      raw.push({
        benchmark: bench,
        allocator: a,
        reps: 3,
        samples: runs.map(([o, r]) => sample(o, r)),
        errors: runs.length === 0 ? ['exited with 1'] : [],
        ...(instructions ? { instructions: instructions(a) } : {}),
      });
    }
  }
  return buildReport({
    date: new Date('2026-01-02T03:04:05Z'),
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      availableParallelism: 2,
      kernel: '6.1',
      platform: 'linux',
      arch: 'x64',
      memoryKb: 1,
      node: 'v20',
      glibc: '2.36',
    },
    options: { suite: 'quick', reps: 3, threads: 2 },
    allocators,
    skipped: [],
    benchmarks: Object.keys(DATA).map((name) => ({ name, description: 'd', args: [] })),
    raw,
  });
}

const SCUDO_UNAVAILABLE =
  'Scudo under valgrind: at start-up Scudo reserves 180 GiB of address space (PROT_NONE); valgrind refuses it';

describe('secure / scudo in the reports', () => {
  it('nanoseconds per op: the median of 1e9 / ops/s over the runs, with min..max', () => {
    const { rows } = computeRows(fakeRaw());
    const secure = rows.find((r) => r.benchmark === 'tiny_hot' && r.allocator === 'hakmem-secure');
    expect(secure?.nsPerOp).toBe(12.5);
    expect(secure?.nsPerOpMin).toBe(10);
    expect(secure?.nsPerOpMax).toBe(20);
    expect(fmtNs(12.5)).toBe('12.5');
    expect(fmtNs(38.04)).toBe('38.0');
    expect(fmtNs(152.4)).toBe('152');
    expect(fmtNs(1234)).toBe('1.23k');
    expect(fmtNs(null)).toBe('—');
  });

  it('Scudo is never the best peer; its own ratios are still to the best speed peer', () => {
    const report = fakeReport(['hakmem-secure', 'glibc', 'mimalloc', 'scudo']);
    // scudo's median tiny_hot run is 26M/s; its fastest was 200M/s, but medians decide
    expect(report.bestPeers.tiny_hot?.throughput).toEqual({ name: 'mimalloc', value: 125e6 });
    expect(report.bestPeers.larson?.rss).toEqual({ name: 'glibc', value: 2000 });
    const scudoLarson = report.rows.find((r) => r.benchmark === 'larson' && r.allocator === 'scudo');
    expect(scudoLarson?.isPeer).toBe(false);
    expect(scudoLarson?.ratioToBestPeer).toBeCloseTo(20 / 50);
    expect(scudoLarson?.rssRatioToBestPeer).toBe(3);
    // a Scudo with better figures than any speed peer still does not become the best peer
    const lone = fakeReport(['hakmem-secure', 'scudo']);
    expect(lone.bestPeers.larson?.throughput).toBeNull();
    expect(lone.rows.every((r) => r.ratioToBestPeer === null)).toBe(true);
    expect(lone.hardenedPairs).toHaveLength(1);
  });

  it('hardenedPairs: the variant over its peer, per benchmark; none without both', () => {
    const report = fakeReport(['hakmem-secure', 'glibc', 'mimalloc', 'scudo']);
    expect(report.hardenedPairs).toEqual([
      {
        variant: 'hakmem-secure',
        peer: 'scudo',
        label: 'secure / scudo',
        benchmarks: {
          tiny_hot: {
            throughputRatio: 80e6 / 26e6,
            rssRatio: 1600 / 2000,
            variantNsPerOp: 12.5,
            peerNsPerOp: 1e9 / 26e6,
          },
          larson: { throughputRatio: 3, rssRatio: 0.5, variantNsPerOp: 1e9 / 60e6, peerNsPerOp: 1e9 / 20e6 },
        },
      },
    ]);
    expect(fakeReport(['hakmem-default', 'glibc', 'scudo']).hardenedPairs).toEqual([]);
    expect(fakeReport(['hakmem-secure', 'glibc']).hardenedPairs).toEqual([]);
    // a failed side gives null ratios, not a number
    const rows = computeRows(fakeRaw()).rows.map((r) =>
      r.allocator === 'scudo' && r.benchmark === 'larson' ? { ...r, opsPerSec: null, peakRssKb: null } : r,
    );
    const pair = hardenedPairs([allocator('hakmem-secure'), allocator('scudo')], rows)[0];
    expect(pair?.benchmarks.larson?.throughputRatio).toBeNull();
    expect(pair?.benchmarks.larson?.rssRatio).toBeNull();
    expect(pair?.benchmarks.tiny_hot?.throughputRatio).toBeCloseTo(80 / 26);
  });

  it('markdown: a "secure / scudo" column in the throughput and peak RSS tables, and ns per pair', () => {
    const md = renderMarkdown(fakeReport(['hakmem-secure', 'glibc', 'mimalloc', 'scudo']));
    const throughput = md.slice(md.indexOf('## Throughput'), md.indexOf('## Peak RSS'));
    expect(throughput).toContain('| benchmark | hakmem-secure | glibc | mimalloc | scudo | secure / scudo |');
    expect(throughput).toContain(
      '| larson | 1.20× (60.0M/s) | 0.80× (40.0M/s) | **1.00× (50.0M/s)** | 0.40× (20.0M/s) | 3.00× |',
    );
    expect(throughput).toContain(
      '| tiny_hot | 0.64× (80.0M/s) | 0.80× (100M/s) | **1.00× (125M/s)** | 0.21× (26.0M/s) | 3.08× |',
    );
    expect(throughput).toContain(
      "`secure / scudo`: hakmem-secure's ops/s ÷ scudo's, in the same run (higher is better).",
    );
    const rss = md.slice(md.indexOf('## Peak RSS'), md.indexOf('## Nanoseconds'));
    expect(rss).toContain(
      '| larson | 1.50× (2.93 MiB) | **1.00× (1.95 MiB)** | 2.00× (3.91 MiB) | 3.00× (5.86 MiB) | 0.50× |',
    );
    expect(rss).toContain('| 0.80× |');
    expect(md).toContain('scudo is a hardened allocator: the peer of hakmem-secure');
    expect(md).toContain('- **scudo** (peer; hardened, compared with hakmem-secure): `LD_PRELOAD=/s/scudo.so`');
    const ns = md.slice(md.indexOf('## Nanoseconds per malloc + free pair (tiny_hot; lower is better)'));
    expect(ns).toContain('| allocator | ns per pair | min..max |');
    expect(ns).toContain('| hakmem-secure | 12.5 | 10.0..20.0 |');
    expect(ns).toContain('| glibc | 10.0 | 10.0..10.0 |');
    expect(ns).toContain('| scudo | 38.5 | 5.00..40.0 |');
  });

  it('markdown without a hardened pair has no such column or sentence', () => {
    const md = renderMarkdown(fakeReport(['hakmem-default', 'glibc', 'mimalloc']));
    expect(md).not.toContain(' / scudo');
    expect(md).not.toContain('hardened');
    expect(md).toContain('| benchmark | hakmem-default | glibc | mimalloc |\n');
    expect(md).toContain('## Nanoseconds per malloc + free pair');
  });

  it('terminal summary: the secure / scudo table and the ns of each pair', () => {
    const t = terminalTable(fakeReport(['hakmem-secure', 'glibc', 'mimalloc', 'scudo']));
    expect(t).toContain('not scudo, compared with its hardened variant below');
    expect(t).toContain('hakmem-secure against scudo, the hardened peer');
    const lines = t.split('\n');
    expect(lines).toContain('benchmark  secure / scudo ops/s  secure / scudo peak RSS');
    expect(lines).toContain('larson                    3.00×                    0.50×');
    expect(lines).toContain('tiny_hot                  3.08×                    0.80×');
    expect(t).toContain(
      'tiny_hot, ns per malloc + free pair: hakmem-secure 12.5 · glibc 10.0 · mimalloc 8.00 · scudo 38.5',
    );
    expect(terminalTable(fakeReport(['hakmem-default', 'glibc']))).not.toContain('against');
  });

  it('instructions under Scudo: n/a with the reason, not a failure and not a number', () => {
    const report = fakeReport(['hakmem-secure', 'glibc', 'scudo'], (a) =>
      a.name === 'scudo' ? { unavailable: SCUDO_UNAVAILABLE } : { n: 10, atN: 1000, at2N: 2000, perOp: 100 },
    );
    const scudoRows = report.rows.filter((r) => r.allocator === 'scudo');
    for (const r of scudoRows) {
      expect(r.instructionsPerOp).toBeNull();
      expect(r.instructionsRatioToBestPeer).toBeNull();
      expect(r.instructionsUnavailable).toBe(SCUDO_UNAVAILABLE);
      expect(r.error).toBeUndefined();
    }
    expect(report.failures).toEqual([]);
    const md = renderMarkdown(report);
    const instr = md.slice(md.indexOf('## Instructions per op'), md.indexOf('## Details'));
    expect(instr).toContain('| larson | 100.0 (1.00×) | **100.0 (1.00×)** | n/a |');
    expect(instr).toContain(`- scudo: n/a (${SCUDO_UNAVAILABLE})`);
    expect(instr.match(/Scudo under valgrind/g)).toHaveLength(1); // once, not per benchmark
    expect(md).toContain('| larson | scudo | 20.0M | 20.0M..20.0M | 0.50× | 5.86 MiB | 3.00× | 5.00e-6 | n/a | — |');
    const t = terminalTable(report);
    expect(t).toContain(`instr/op under scudo: n/a (${SCUDO_UNAVAILABLE})`);
    // a count that failed is still a failure
    const failed = fakeReport(['glibc', 'scudo'], (a) =>
      a.name === 'scudo' ? { error: 'callgrind timed out after 600 s' } : { n: 1, atN: 1, at2N: 2, perOp: 1 },
    );
    expect(failed.failures.map((f) => f.allocator)).toEqual(['scudo', 'scudo']);
  });
});

/** The raw results of fakeReport's four allocators. */
function fakeRaw(): RawResult[] {
  const out: RawResult[] = [];
  for (const [bench, per] of Object.entries(DATA)) {
    for (const [name, runs] of Object.entries(per))
      out.push({
        benchmark: bench,
        allocator: allocator(name),
        reps: runs.length,
        samples: runs.map(([o, r]) => sample(o, r)),
        errors: [],
      });
  }
  return out;
}

describe('why valgrind cannot run Scudo', () => {
  // valgrind 3.19 --tool=none --trace-syscalls=yes under LD_PRELOAD of LLVM 14's Scudo, x86_64
  const TRACE =
    'SYSCALL[15672,1](11) sys_munmap ( 0x4d98000, 36195 )[sync] --> Success(0x0) \n' +
    'SYSCALL[15672,1](9) sys_mmap ( 0x0, 193273528320, 0, 16418, 4294967295, 0 ) --> [pre-fail] Failure(0x16) \n';
  const STDERR = '==15614== For interactive control\nScudo ERROR: internal map or unmap failure\n==15614== \n';

  it("finds Scudo's fatal line and the mmap valgrind refused", () => {
    expect(scudoError(STDERR)).toBe('Scudo ERROR: internal map or unmap failure');
    expect(scudoError('==1== Collected : 5\n')).toBeNull();
    expect(failedMmap(TRACE)).toEqual({ bytes: 193273528320, prot: 0, errno: 22, preFail: true });
    expect(
      failedMmap('SYSCALL[1,1](9) sys_mmap ( 0x0, 4096, 3, 34, 4294967295, 0 ) --> Success(0x4000000) \n'),
    ).toBeNull();
    expect(failedMmap('sys_mmap ( 0x0, 1099511627776, 3, 34, -1, 0 ) --> Failure(0xc)')).toEqual({
      bytes: 1099511627776,
      prot: 3,
      errno: 12,
      preFail: false,
    });
  });

  it('says what Scudo asked for, who refused it and how Scudo ended', () => {
    expect(scudoUnderValgrindReason('Scudo ERROR: internal map or unmap failure', TRACE)).toBe(
      'Scudo under valgrind: at start-up Scudo reserves 180 GiB of address space (PROT_NONE); ' +
        "valgrind's address-space manager has no room that large for a client and fails the mmap itself (EINVAL), " +
        'so Scudo aborts: "Scudo ERROR: internal map or unmap failure"',
    );
    expect(scudoUnderValgrindReason('Scudo ERROR: x', 'no trace')).toBe(
      'Scudo under valgrind: it aborts at its first malloc: "Scudo ERROR: x"',
    );
  });
});

// ---- one real run ----

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const HAS_SECURE = existsSync(join(ROOT, 'dist', 'secure', 'libhakmem.so'));
const HAS_SCUDO = findScudo() !== null;
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

describe.skipIf(!HAS_SECURE || !HAS_SCUDO || !HAS_VALGRIND)('a real run of secure against Scudo', () => {
  it('the reports compare secure with Scudo; instructions under Scudo are n/a', async () => {
    const out = tmp('scudo');
    const io = capture();
    const code = await main(
      [
        '--suite',
        'tiny',
        '--bench',
        'tiny_hot,larson',
        '--variants',
        'secure',
        '--peers',
        'glibc,scudo',
        '--instructions',
        '--threads',
        '2',
        '--out',
        out,
      ],
      io,
    );
    expect(code, io.err()).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as Report;
    expect(report.allocators.map((a) => a.name)).toEqual(['hakmem-secure', 'glibc', 'scudo']);
    expect(report.failures).toEqual([]);
    const scudo = report.rows.filter((r) => r.allocator === 'scudo');
    expect(scudo).toHaveLength(2);
    for (const r of scudo) {
      expect(r.opsPerSec).toBeGreaterThan(0);
      expect(r.nsPerOp).toBeCloseTo(1e9 / (r.opsPerSec as number));
      expect(r.isPeer).toBe(false);
      expect(r.instructionsPerOp).toBeNull();
      expect(r.instructionsUnavailable).toMatch(/^Scudo under valgrind: .*Scudo ERROR/);
    }
    for (const b of ['tiny_hot', 'larson']) expect(report.bestPeers[b]?.throughput?.name).not.toBe('scudo');
    const pair = report.hardenedPairs[0];
    expect(pair?.label).toBe('secure / scudo');
    for (const b of ['tiny_hot', 'larson']) {
      expect(pair?.benchmarks[b]?.throughputRatio).toBeGreaterThan(0);
      expect(pair?.benchmarks[b]?.rssRatio).toBeGreaterThan(0);
    }
    // valgrind was asked once under Scudo, then the reason reused
    expect(io.err().match(/instructions under scudo: n\/a/g)).toHaveLength(1);
    const md = readFileSync(join(out, 'latest.md'), 'utf8');
    expect(md).toContain('| benchmark | hakmem-secure | glibc | scudo | secure / scudo |\n');
    expect(md).toContain('## Nanoseconds per malloc + free pair (tiny_hot; lower is better)');
    expect(md).toContain('- scudo: n/a (Scudo under valgrind: ');
    expect(io.out()).toContain('secure / scudo ops/s');
  });
});
