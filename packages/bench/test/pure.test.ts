import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../src/args.js';
import { parseLdconfig, resolveAllocators, type Allocator } from '../src/allocators.js';
import { BENCHMARKS, BENCH_DEFS } from '../src/benchmarks.js';
import { parseCollected } from '../src/callgrind.js';
import { renderBar, Progress } from '../src/progress.js';
import { buildReport, computeRows, timestampName, type RawResult } from '../src/report-json.js';
import { renderMarkdown } from '../src/report-md.js';
import { parseBenchLine, parseRunrssLine, preloadFailure, type Sample } from '../src/run.js';
import { bestPeer, median, perOp, ratio, relativeSpread, spread } from '../src/stats.js';
import { barChart, escapeXml, niceScale, rssSvg, throughputSvg } from '../src/svg.js';
import { fmtKb, fmtRate, fmtRatio, mdTable, terminalTable, textTable } from '../src/table.js';
import { checkXml } from './xml.js';

describe('stats', () => {
  it('median of odd, even, empty and non-finite lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(Number.isNaN(median([]))).toBe(true);
    expect(median([1, Number.NaN, 3, Number.POSITIVE_INFINITY, 2])).toBe(2);
  });

  it('spread gives median and min..max', () => {
    expect(spread([10, 30, 20])).toEqual({ median: 20, min: 10, max: 30, n: 3 });
    expect(spread([]).n).toBe(0);
    expect(relativeSpread({ median: 100, min: 90, max: 110, n: 3 })).toBeCloseTo(0.1);
  });

  it('best peer: highest or lowest among peers only, ignoring missing values', () => {
    const c = [
      { name: 'hakmem-default', isPeer: false, value: 100 },
      { name: 'glibc', isPeer: true, value: 40 },
      { name: 'mimalloc', isPeer: true, value: 60 },
      { name: 'jemalloc', isPeer: true, value: null },
    ];
    expect(bestPeer(c, 'higher')).toEqual({ name: 'mimalloc', value: 60 });
    expect(bestPeer(c, 'lower')).toEqual({ name: 'glibc', value: 40 });
    expect(bestPeer([{ name: 'x', isPeer: false, value: 1 }], 'higher')).toBeNull();
  });

  it('ratio and per-op instruction count', () => {
    expect(ratio(50, 100)).toBe(0.5);
    expect(ratio(null, 100)).toBeNull();
    expect(ratio(5, 0)).toBeNull();
    expect(perOp(1_000_000, 1_500_000, 1000)).toBe(500);
  });
});

const alloc = (name: string, kind: Allocator['kind']): Allocator => ({
  name,
  kind,
  isPeer: kind !== 'hakmem',
  preload: kind === 'glibc' ? null : `/x/${name}.so`,
  ...(kind === 'hakmem' ? { variant: name.replace('hakmem-', ''), variantJson: { name: 'default', slots: { front: 'tcache' } } } : {}),
});

const sample = (opsPerSec: number, peakRssKb: number): Sample => ({
  opsPerSec,
  seconds: 0.1,
  ops: opsPerSec / 10,
  peakRssKb,
  wallSeconds: 0.11,
  userSeconds: 0.1,
  sysSeconds: 0.01,
  result: { benchmark: 'b', ops: opsPerSec / 10, seconds: 0.1, opsPerSec, peakRssKb, threads: 2 },
});

function fakeRaw(): { allocators: Allocator[]; raw: RawResult[] } {
  const allocators = [alloc('hakmem-default', 'hakmem'), alloc('glibc', 'glibc'), alloc('mimalloc', 'peer')];
  const raw: RawResult[] = [];
  const data: Record<string, [number[], number[]]> = {
    'larson/hakmem-default': [[300, 100, 200], [5000, 5100, 4900]],
    'larson/glibc': [[100, 100, 100], [2000, 2000, 2000]],
    'larson/mimalloc': [[150, 140, 160], [4000, 4000, 4000]],
    'vm/hakmem-default': [[10, 10, 10], [40000, 40000, 40000]],
    'vm/glibc': [[20, 20, 20], [30000, 30000, 30000]],
    'vm/mimalloc': [[], []],
  };
  for (const b of ['larson', 'vm']) {
    for (const a of allocators) {
      const [ops, rss] = data[`${b}/${a.name}`] as [number[], number[]];
      raw.push({
        benchmark: b,
        allocator: a,
        reps: 3,
        samples: ops.map((o, i) => sample(o, rss[i] as number)),
        errors: ops.length === 0 ? ['killed by signal 11'] : [],
        instructions: a.name === 'glibc' ? { n: 10, atN: 1000, at2N: 1500, perOp: 50 } : { n: 10, atN: 1000, at2N: 2000, perOp: 100 },
      });
    }
  }
  return { allocators, raw };
}

describe('rows and ratios', () => {
  it('medians, spreads and ratios to the best peer per benchmark', () => {
    const { rows, bestPeers } = computeRows(fakeRaw().raw);
    const get = (b: string, a: string) => rows.find((r) => r.benchmark === b && r.allocator === a);
    const hk = get('larson', 'hakmem-default');
    expect(hk?.opsPerSec).toBe(200);
    expect(hk?.opsPerSecMin).toBe(100);
    expect(hk?.opsPerSecMax).toBe(300);
    expect(bestPeers.larson?.throughput).toEqual({ name: 'mimalloc', value: 150 });
    expect(hk?.ratioToBestPeer).toBeCloseTo(200 / 150);
    expect(bestPeers.larson?.rss).toEqual({ name: 'glibc', value: 2000 });
    expect(hk?.rssRatioToBestPeer).toBeCloseTo(2.5);
    expect(get('larson', 'glibc')?.instructionsRatioToBestPeer).toBe(1);
    expect(get('larson', 'mimalloc')?.instructionsRatioToBestPeer).toBe(2);
    expect(hk?.params).toEqual({ threads: 2 });
    // a failed allocator: no numbers, an error, no effect on the best peer
    const failed = get('vm', 'mimalloc');
    expect(failed?.opsPerSec).toBeNull();
    expect(failed?.ratioToBestPeer).toBeNull();
    expect(failed?.error).toContain('signal 11');
    expect(bestPeers.vm?.throughput?.name).toBe('glibc');
    expect(get('vm', 'hakmem-default')?.ratioToBestPeer).toBe(0.5);
  });

  it('builds a report with machine, options, variants and failures', () => {
    const { allocators, raw } = fakeRaw();
    const report = buildReport({
      date: new Date('2025-01-02T03:04:05.678Z'),
      machine: { cpuModel: 'Test CPU', cores: 2, availableParallelism: 2, kernel: '6.1', platform: 'linux', arch: 'x64', memoryKb: 1, node: 'v20', glibc: '2.36' },
      options: { suite: 'tiny', reps: 3, threads: 2 },
      allocators,
      skipped: [{ name: 'tcmalloc', reason: 'not found' }],
      benchmarks: [
        { name: 'larson', description: 'd', args: ['1'] },
        { name: 'vm', description: 'd', args: ['2'] },
      ],
      raw,
    });
    expect(report.schema).toBe('hakmem-bench/1');
    expect(report.variants).toEqual({ default: { name: 'default', slots: { front: 'tcache' } } });
    expect(report.failures).toEqual([{ benchmark: 'vm', allocator: 'mimalloc', error: 'killed by signal 11' }]);
    expect(report.rows).toHaveLength(6);
    expect(timestampName(new Date(report.date))).toBe('2025-01-02T03-04-05Z');

    const md = renderMarkdown(report);
    expect(md).toContain('# hakmem benchmarks');
    expect(md).toMatch(/\| benchmark \| hakmem-default \| glibc \| mimalloc \|/);
    expect(md).toContain('**1.00× (150/s)**'); // best peer in bold
    expect(md).toContain('Instructions per op');
    expect(md).toContain('variant.json of default');
    expect(md).toContain('~~tcmalloc~~ skipped');
    expect(md).toContain('## Failures');

    const table = terminalTable(report);
    expect(table).toContain('hakmem-default');
    expect(table).toContain('FAILED vm / mimalloc');
    expect(table).toContain('instr/op');

    for (const svg of [throughputSvg(report), rssSvg(report)]) {
      const x = checkXml(svg);
      expect(x).toEqual({ ok: true, root: 'svg' });
      expect(svg).toContain('<svg');
      for (const a of allocators) expect(svg).toContain(a.name);
      expect(svg).toContain('larson');
    }
  });
});

describe('formatting', () => {
  it('numbers', () => {
    expect(fmtRate(123_456_789)).toBe('123M');
    expect(fmtRate(12_345_678)).toBe('12.3M');
    expect(fmtRate(1234)).toBe('1.23k');
    expect(fmtRate(950)).toBe('950');
    expect(fmtRate(null)).toBe('—');
    expect(fmtKb(512)).toBe('512 KiB');
    expect(fmtKb(3 * 1024 + 512)).toBe('3.50 MiB');
    expect(fmtKb(2 * 1024 * 1024)).toBe('2.00 GiB');
    expect(fmtRatio(1)).toBe('1.00×');
    expect(fmtRatio(12.34)).toBe('12.3×');
  });

  it('text and markdown tables line up', () => {
    const t = textTable(['a', 'bb'], [['xxx', '1'], ['y', '22']], ['left', 'right']);
    const lines = t.trimEnd().split('\n');
    expect(lines[0]).toBe('a    bb');
    expect(lines[2]).toBe('xxx   1');
    expect(lines[3]).toBe('y    22');
    expect(mdTable(['a', 'b'], [['1', 'x|y']], ['left', 'right'])).toBe('| a | b |\n| :--- | ---: |\n| 1 | x\\|y |\n');
  });

  it('svg: escaping, scales and a well-formed chart', () => {
    expect(escapeXml(`<a & "b">'`)).toBe('&lt;a &amp; &quot;b&quot;&gt;&apos;');
    expect(niceScale(1.08)).toEqual({ max: 1.25, step: 0.25 });
    expect(niceScale(7)).toEqual({ max: 8, step: 2 });
    expect(niceScale(0).max).toBe(1);
    const svg = barChart({
      title: 'T <&>',
      yLabel: 'y',
      groups: ['g1', 'g2'],
      groupNotes: ['n1', 'n2'],
      series: ['hakmem-default', 'glibc', 'odd & "name"'],
      values: [
        [1, 0.5, null],
        [100, 1, 2],
      ],
      refLine: { value: 1, label: 'best = 1' },
      clipAt: 5,
    });
    expect(checkXml(svg)).toEqual({ ok: true, root: 'svg' });
    expect(svg).toContain('▲100.00'); // clipped bar says its value
    expect(svg).toContain('odd &amp; &quot;name&quot;');
    expect(checkXml('<svg><g></svg>').ok).toBe(false);
    expect(checkXml('<svg a="1 & 2"/>').ok).toBe(false);
  });

  it('progress bar', () => {
    const line = renderBar(5, 10, 'larson · glibc', 12, 80);
    expect(line).toMatch(/^\[#+\.+\] 5\/10  50% larson · glibc · eta 0:12$/);
    expect(renderBar(1, 3, 'x'.repeat(200), null, 60).length).toBeLessThanOrEqual(59);
    let out = '';
    const p = new Progress(2, { write: (s: string) => (out += s) }, false);
    p.start('a');
    p.finishStep('a', 'ok');
    p.log('note');
    p.finishStep('b', 'FAILED');
    p.end();
    expect(out).toBe('[1/2] a: ok\nnote\n[2/2] b: FAILED\n');
  });
});

describe('parsing', () => {
  it('program, runrss and callgrind output', () => {
    const out =
      'noise\n{"benchmark":"tiny_hot","ops":10,"seconds":0.5,"opsPerSec":20.0,"peakRssKb":1000,"size":64}\n' +
      '{"runrss":{"exit":0,"signal":0,"maxRssKb":1200,"wallSeconds":0.6,"userSeconds":0.5,"sysSeconds":0.0,"timedOut":false}}\n';
    expect(parseBenchLine(out, 'tiny_hot')?.size).toBe(64);
    expect(parseBenchLine(out, 'larson')).toBeNull();
    expect(parseRunrssLine(out)?.maxRssKb).toBe(1200);
    expect(parseCollected('==12== Events    : Ir\n==12== Collected : 23717237\n==12==\n')).toBe(23717237);
    expect(parseCollected('nothing')).toBeNull();
    expect(preloadFailure("ERROR: ld.so: object '/x.so' from LD_PRELOAD cannot be preloaded (invalid ELF header): ignored.")).toContain(
      'cannot be preloaded',
    );
    expect(preloadFailure('fine')).toBeNull();
  });

  it('ldconfig -p listing', () => {
    const listing =
      '42 libs found in cache `/etc/ld.so.cache\'\n' +
      '\tlibmimalloc.so.2 (libc6,x86-64) => /lib/x86_64-linux-gnu/libmimalloc.so.2\n' +
      '\tlibjemalloc.so.2 (libc6,x86-64) => /lib/x86_64-linux-gnu/libjemalloc.so.2\n';
    expect(parseLdconfig(listing, 'libjemalloc.so.2')).toEqual(['/lib/x86_64-linux-gnu/libjemalloc.so.2']);
    expect(parseLdconfig(listing, 'libtcmalloc_minimal.so.4')).toEqual([]);
  });

  it('allocators: missing peers are skipped, missing variants are errors that say how to build', () => {
    const r = resolveAllocators('/nonexistent-root', [], ['glibc', 'mimalloc', 'jemalloc'], [{ name: 'mine', path: '/nope/libmine.so' }], (so) =>
      so === 'libmimalloc.so.2' ? '/proc/self/status' : null,
    );
    expect(r.allocators.map((a) => a.name)).toEqual(['glibc', 'mimalloc']);
    expect(r.allocators[0]?.preload).toBeNull();
    expect(r.skipped.map((s) => s.name)).toEqual(['jemalloc', 'mine']);
    expect(r.skipped[0]?.reason).toContain('apt-get install libjemalloc2');
    expect(() => resolveAllocators('/nonexistent-root', ['fast'], [], [])).toThrow(/pnpm build:variant fast/);
  });

  it('command-line options', () => {
    const o = parseArgs(['--quick', '--variants', 'default,small', '--peers=glibc,jemalloc', '--peer', 'x=/lib/x.so', '--bench', 'vm,larson', '--instructions']);
    expect(o.suite).toBe('quick');
    expect(o.reps).toBe(3);
    expect(o.variants).toEqual(['default', 'small']);
    expect(o.peers).toEqual(['glibc', 'jemalloc']);
    expect(o.extraPeers).toEqual([{ name: 'x', path: '/lib/x.so' }]);
    expect(o.benches).toEqual(['larson', 'vm']); // canonical order
    expect(o.instructions).toBe(true);
    const d = parseArgs([]);
    expect(d.suite).toBe('full');
    expect(d.reps).toBe(5);
    expect(d.variants).toEqual(['default']);
    expect(d.peers).toEqual(['glibc', 'mimalloc', 'jemalloc', 'tcmalloc']);
    expect(d.benches).toEqual([...BENCHMARKS]);
    expect(parseArgs(['--', '--suite', 'tiny', '--reps', '2', '--variants', 'none']).variants).toEqual([]);
    expect(() => parseArgs(['--peers', 'hoard'])).toThrow(UsageError);
    expect(() => parseArgs(['--bench', 'nope'])).toThrow(/unknown benchmark/);
    expect(() => parseArgs(['--reps', '0'])).toThrow(UsageError);
    expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown option/);
    expect(() => parseArgs(['--quick=1'])).toThrow(/takes no value/);
    expect(() => parseArgs(['--peer', 'glibc=/x.so'])).toThrow(/reserved/);
  });

  it('every benchmark has a timed and a fixed-op-count form', () => {
    for (const name of BENCHMARKS) {
      const b = BENCH_DEFS[name];
      const p = { suite: 'tiny' as const, threads: 2, seed: 1 };
      expect(b.args(p).length).toBeGreaterThan(0);
      expect(b.opsArgs(1234, p).join(' ')).toContain('1234');
      expect(b.instructionOps('full')).toBeGreaterThan(b.instructionOps('tiny') - 1);
    }
  });
});
