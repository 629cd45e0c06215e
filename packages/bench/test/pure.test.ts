import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../src/args.js';
import { main } from '../src/cli.js';
import { parseLdconfig, resolveAllocators, type Allocator } from '../src/allocators.js';
import { BENCHMARKS, BENCH_DEFS, programOf } from '../src/benchmarks.js';
import { parseCollected } from '../src/callgrind.js';
import { renderBar, Progress } from '../src/progress.js';
import {
  buildReport,
  computeRows,
  roundRatio,
  timelineOf,
  timestampName,
  type RawResult,
  type Report,
} from '../src/report-json.js';
import { renderMarkdown } from '../src/report-md.js';
import { parseBenchLine, parseRunrssLine, preloadFailure, type Sample } from '../src/run.js';
import { bestPeer, median, perOp, ratio, relativeSpread, spread } from '../src/stats.js';
import { barChart, escapeXml, lineChart, niceScale, rssSvg, rssTimelineSvg, throughputSvg } from '../src/svg.js';
import {
  fmtFaults,
  fmtKb,
  formatBytes,
  fmtRate,
  fmtRatio,
  mdTable,
  rowCells,
  rowHeaders,
  terminalTable,
  textTable,
} from '../src/table.js';
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
  ...(kind === 'hakmem'
    ? { variant: name.replace('hakmem-', ''), variantJson: { name: 'default', slots: { front: 'tcache' } } }
    : {}),
});

const sample = (
  opsPerSec: number,
  peakRssKb: number,
  minorFaults = 1000,
  extra: Record<string, unknown> = {},
): Sample => ({
  opsPerSec,
  seconds: 0.1,
  ops: opsPerSec / 10,
  peakRssKb,
  minorFaults,
  majorFaults: Number.isNaN(minorFaults) ? Number.NaN : 0,
  wallSeconds: 0.11,
  userSeconds: 0.1,
  sysSeconds: 0.01,
  result: { benchmark: 'b', ops: opsPerSec / 10, seconds: 0.1, opsPerSec, peakRssKb, threads: 2, ...extra },
});

function fakeRaw(): { allocators: Allocator[]; raw: RawResult[] } {
  const allocators = [alloc('hakmem-default', 'hakmem'), alloc('glibc', 'glibc'), alloc('mimalloc', 'peer')];
  const raw: RawResult[] = [];
  // ops/s, peak RSS, minor faults per sample; a sample does opsPerSec / 10 ops
  const data: Record<string, [number[], number[], number[]]> = {
    'larson/hakmem-default': [
      [300, 100, 200],
      [5000, 5100, 4900],
      [600, 300, 300],
    ],
    'larson/glibc': [
      [100, 100, 100],
      [2000, 2000, 2000],
      [100, 120, 110],
    ],
    'larson/mimalloc': [
      [150, 140, 160],
      [4000, 4000, 4000],
      [300, 280, 320],
    ],
    'vm/hakmem-default': [
      [10, 10, 10],
      [40000, 40000, 40000],
      [5000, 5000, 5000],
    ],
    // the middle run came from a runrss that did not report faults
    'vm/glibc': [
      [20, 20, 20],
      [30000, 30000, 30000],
      [2000, Number.NaN, 2000],
    ],
    'vm/mimalloc': [[], [], []],
  };
  for (const b of ['larson', 'vm']) {
    for (const a of allocators) {
      const [ops, rss, faults] = data[`${b}/${a.name}`] as [number[], number[], number[]];
      raw.push({
        benchmark: b,
        allocator: a,
        reps: 3,
        samples: ops.map((o, i) => sample(o, rss[i] as number, faults[i] as number)),
        errors: ops.length === 0 ? ['killed by signal 11'] : [],
        instructions:
          a.name === 'glibc'
            ? { n: 10, atN: 1000, at2N: 1500, perOp: 50 }
            : { n: 10, atN: 1000, at2N: 2000, perOp: 100 },
      });
    }
  }
  return { allocators, raw };
}

describe('rows and ratios', () => {
  it('throughput ratio per round: a machine that changes modes between rounds drops out', () => {
    // rounds 1-3 in the fast mode (3x), 4 and 5 slow; hakmem 10% ahead of mimalloc in every round
    const level = [3, 3, 3, 1, 1];
    const runs = (name: string, kind: 'hakmem' | 'peer', f: number): RawResult => ({
      benchmark: 'rounds',
      allocator: alloc(name, kind),
      reps: 5,
      errors: [],
      samples: level.map((l, i) => ({ ...sample(100 * l * f, 1000), rep: i + 1 })),
    });
    // mimalloc's first two rounds failed: its median comes from a slow round, hakmem's from a fast one
    const mi = runs('mimalloc', 'peer', 1);
    mi.samples.splice(0, 2);
    const { rows } = computeRows([runs('hakmem-default', 'hakmem', 1.1), mi]);
    const hk = rows.find((r) => r.allocator === 'hakmem-default');
    expect(hk?.opsPerSec).toBeCloseTo(330);
    expect(rows.find((r) => r.allocator === 'mimalloc')?.opsPerSec).toBeCloseTo(100);
    expect(hk?.ratioToBestPeer).toBeCloseTo(1.1); // the ratio of the medians: 3.3
    expect(roundRatio(hk?.samples ?? [], [])).toBeNull();
    // samples without a round (older reports): the ratio of the medians, as before
    expect(roundRatio([{ ...sample(1, 1), rep: undefined }], [{ ...sample(1, 1), rep: 1 }])).toBeNull();
  });
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
    // minor faults: median of the counts, and median of faults / ops per run (20, 30, 15 for hakmem)
    expect(hk?.minorFaults).toBe(300);
    expect(hk?.faultsPerOp).toBe(20);
    expect(get('larson', 'glibc')?.faultsPerOp).toBe(11);
    expect(bestPeers.larson?.faults).toEqual({ name: 'glibc', value: 11 });
    expect(hk?.faultsRatioToBestPeer).toBeCloseTo(20 / 11);
    expect(hk?.samples[0]?.minorFaults).toBe(600);
    // a run without fault counts is left out of the medians and says null, not NaN
    const vmGlibc = get('vm', 'glibc');
    expect(vmGlibc?.minorFaults).toBe(2000);
    expect(vmGlibc?.faultsPerOp).toBe(1000);
    expect(vmGlibc?.samples.map((x) => x.minorFaults)).toEqual([2000, null, 2000]);
    expect(vmGlibc?.samples[1]?.majorFaults).toBeNull();
    expect(get('vm', 'hakmem-default')?.faultsRatioToBestPeer).toBe(5);
    expect(get('vm', 'mimalloc')?.faultsPerOp).toBeNull();
    expect(hk?.timelineKb).toBeUndefined();
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
    expect(md).toContain('## Minor page faults per operation (lower is better)');
    expect(md).toContain('**11 (1.00×)**'); // glibc, the best peer for faults in larson
    expect(md).toContain('| faults/op |');
    expect(md).not.toContain('rss-timeline.svg'); // no burst_idle in this report
    expect(rssTimelineSvg(report)).toBeNull();
    expect(md).toContain('variant.json of default');
    expect(md).toContain('~~tcmalloc~~ skipped');
    expect(md).toContain('## Failures');

    const table = terminalTable(report);
    expect(table).toContain('hakmem-default');
    expect(table).toContain('FAILED vm / mimalloc');
    expect(table).toContain('instr/op');
    expect(table).toContain('faults/op');
    const hkRow = report.rows.find(
      (r) => r.benchmark === 'larson' && r.allocator === 'hakmem-default',
    ) as Report['rows'][number];
    expect(rowCells(hkRow, false).at(-1)).toBe('20');
    expect(rowHeaders(false).headers.at(-1)).toBe('faults/op');

    for (const svg of [throughputSvg(report), rssSvg(report)]) {
      const x = checkXml(svg);
      expect(x).toEqual({ ok: true, root: 'svg' });
      expect(svg).toContain('<svg');
      for (const a of allocators) expect(svg).toContain(a.name);
      expect(svg).toContain('larson');
    }
  });
});

describe('RSS timeline (burst_idle)', () => {
  const timeline = (peakKb: number, endKb: number) => [1500, peakKb / 2, peakKb, endKb, endKb, endKb];
  function fakeTimelineReport(): Report {
    const allocators = [
      alloc('hakmem-default', 'hakmem'),
      alloc('glibc', 'glibc'),
      alloc('mimalloc', 'peer'),
      alloc('odd & <co>', 'peer'),
    ];
    const line = (peak: number, end: number, trim: number) => ({
      burstMib: 32,
      rssStartKb: 1500,
      rssPeakKb: peak,
      rssEndKb: end,
      rssAfterTrimKb: trim,
      sampleMs: 10,
      rssTimelineKb: timeline(peak, end),
    });
    const raw: RawResult[] = [
      {
        benchmark: 'burst_idle',
        allocator: allocators[0] as Allocator,
        reps: 2,
        errors: [],
        samples: [
          sample(1000, 40000, 9000, line(38000, 2000, 1700)),
          sample(1000, 41000, 9000, line(39000, 3000, 1800)),
        ],
      },
      {
        benchmark: 'burst_idle',
        allocator: allocators[1] as Allocator,
        reps: 2,
        errors: [],
        samples: [sample(900, 39000, 8800, line(37000, 36000, 35000))],
      },
      {
        benchmark: 'burst_idle',
        allocator: allocators[2] as Allocator,
        reps: 2,
        errors: ['killed by signal 9'],
        samples: [],
      },
      {
        benchmark: 'burst_idle',
        allocator: allocators[3] as Allocator,
        reps: 2,
        errors: [],
        samples: [sample(800, 45000, 9900, line(44000, 44000, 44000))],
      },
      {
        benchmark: 'tiny_hot',
        allocator: allocators[1] as Allocator,
        reps: 1,
        errors: [],
        samples: [sample(1e6, 1500)],
      },
    ];
    return buildReport({
      date: new Date('2025-01-02T03:04:05Z'),
      machine: {
        cpuModel: 'Test CPU',
        cores: 2,
        availableParallelism: 2,
        kernel: '6.1',
        platform: 'linux',
        arch: 'x64',
        memoryKb: 1,
        node: 'v20',
        glibc: null,
      },
      options: { suite: 'tiny', reps: 2, threads: 2 },
      allocators,
      skipped: [],
      benchmarks: [{ name: 'burst_idle', description: 'd', args: ['32', '0.5', '1'] }],
      raw,
    });
  }

  it("keeps the first successful run's timeline in its own row field, not in params", () => {
    const report = fakeTimelineReport();
    const hk = report.rows.find((r) => r.allocator === 'hakmem-default' && r.benchmark === 'burst_idle');
    expect(hk?.timelineKb).toEqual(timeline(38000, 2000));
    expect(hk?.timelineSampleMs).toBe(10);
    expect(hk?.params.rssTimelineKb).toBeUndefined();
    expect(hk?.params.rssAfterTrimKb).toBe(1700);
    expect(report.rows.find((r) => r.allocator === 'mimalloc')?.timelineKb).toBeUndefined();
    expect(report.rows.find((r) => r.benchmark === 'tiny_hot')?.timelineKb).toBeUndefined();
    expect(
      timelineOf({ benchmark: 'x', ops: 1, seconds: 1, opsPerSec: 1, peakRssKb: 1, rssTimelineKb: [1, 'two'] }),
    ).toBeNull();
    expect(
      timelineOf({ benchmark: 'x', ops: 1, seconds: 1, opsPerSec: 1, peakRssKb: 1, rssTimelineKb: [1, 2] }),
    ).toEqual({ kb: [1, 2], sampleMs: 10 });
  });

  it('rss-timeline.svg: one line per allocator with a timeline, a legend, axes and the title', () => {
    const report = fakeTimelineReport();
    const svg = rssTimelineSvg(report) as string;
    expect(svg).not.toBeNull();
    expect(checkXml(svg)).toEqual({ ok: true, root: 'svg' });
    expect(svg).toContain('RSS over time: burst of 32 MiB freed across two threads, then light activity');
    expect(svg.match(/<polyline /g)).toHaveLength(3); // hakmem-default, glibc, the odd one; mimalloc failed
    for (const name of ['hakmem-default', 'glibc', 'odd &amp; &lt;co&gt;']) expect(svg).toContain(`>${name}</text>`);
    expect(svg).not.toContain('>mimalloc<');
    expect(svg).toContain('>RSS (MiB)<');
    expect(svg).toContain('>time since the burst started (s)<');
    expect(svg).toContain('after malloc_trim(0)');
    expect(svg.match(/<circle /g)).toHaveLength(4); // an after-trim dot per line, and the legend's
    // six samples 10 ms apart: the last point is at 0.05 s, so the x axis reaches 0.05
    expect(svg).toContain('>0.05<');
    // hakmem's line has 6 points, the first at x = the plot's left edge
    const hkLine = /<polyline points="([^"]*)"[^>]*stroke="#d62728"/.exec(svg);
    expect(hkLine?.[1]?.split(' ')).toHaveLength(6);
    expect(hkLine?.[1]?.startsWith('64,')).toBe(true);
  });

  it('markdown links the chart and lists start, peak, end and after-trim RSS', () => {
    const md = renderMarkdown(fakeTimelineReport());
    expect(md).toContain('](rss-timeline.svg)');
    expect(md).toContain('## RSS over time after a burst (burst_idle; lower is better)');
    expect(md).toMatch(/^\| hakmem-default \| 1\.46 MiB \| 37\.1 MiB \| 1\.95 MiB \| 1\.66 MiB \|$/m);
    expect(md).toContain('## Minor page faults per operation (lower is better)');
  });

  it('line chart: escapes, empty series, no points at all', () => {
    const svg = lineChart({
      title: 'T <&>',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        {
          name: 'a & b',
          points: [
            [0, 1],
            [1, 2],
          ],
        },
        { name: 'empty', points: [] },
      ],
    });
    expect(checkXml(svg)).toEqual({ ok: true, root: 'svg' });
    expect(svg.match(/<polyline /g)).toHaveLength(1);
    expect(svg).toContain('a &amp; b');
    expect(checkXml(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] }))).toEqual({
      ok: true,
      root: 'svg',
    });
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
    expect(fmtKb(Number.NaN)).toBe('—');
    // the one byte formatter: profile's preset (one decimal), tune's (MiB, one decimal)
    expect(formatBytes(100)).toBe('100 bytes');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(1536, { decimals: 1 })).toBe('1.5 KiB');
    expect(formatBytes(800_000, { decimals: 1 })).toBe('781.3 KiB');
    expect(formatBytes(3 * 2 ** 30, { decimals: 1 })).toBe('3.0 GiB');
    expect(formatBytes(1536 * 1024, { unit: 'MiB', decimals: 1 })).toBe('1.5 MiB');
    expect(formatBytes(100 * 1024, { unit: 'MiB', decimals: 1 })).toBe('0.1 MiB');
    expect(formatBytes(undefined)).toBe('—');
    expect(fmtRatio(1)).toBe('1.00×');
    expect(fmtRatio(12.34)).toBe('12.3×');
    expect(fmtFaults(2512.3)).toBe('2.51k');
    expect(fmtFaults(512.4)).toBe('512');
    expect(fmtFaults(12.345)).toBe('12.3');
    expect(fmtFaults(0.012345)).toBe('0.0123');
    expect(fmtFaults(0.0000075)).toBe('7.50e-6');
    expect(fmtFaults(0)).toBe('0');
    expect(fmtFaults(null)).toBe('—');
    expect(fmtFaults(Number.NaN)).toBe('—');
  });

  it('text and markdown tables line up', () => {
    const t = textTable(
      ['a', 'bb'],
      [
        ['xxx', '1'],
        ['y', '22'],
      ],
      ['left', 'right'],
    );
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
    expect(line).toMatch(/^\[#+\.+\] 5\/10 {2}50% larson · glibc · eta 0:12$/);
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
    // an older runrss without fault counts still parses, with NaN for them
    expect(Number.isNaN(parseRunrssLine(out)?.minorFaults)).toBe(true);
    expect(Number.isNaN(parseRunrssLine(out)?.majorFaults)).toBe(true);
    const withFaults = parseRunrssLine(
      '{"runrss":{"exit":0,"signal":0,"maxRssKb":1200,"minorFaults":345,"majorFaults":2,"wallSeconds":0.6,"userSeconds":0.5,"sysSeconds":0.0,"timedOut":false}}\n',
    );
    expect(withFaults?.minorFaults).toBe(345);
    expect(withFaults?.majorFaults).toBe(2);
    expect(parseCollected('==12== Events    : Ir\n==12== Collected : 23717237\n==12==\n')).toBe(23717237);
    expect(parseCollected('nothing')).toBeNull();
    expect(
      preloadFailure("ERROR: ld.so: object '/x.so' from LD_PRELOAD cannot be preloaded (invalid ELF header): ignored."),
    ).toContain('cannot be preloaded');
    expect(preloadFailure('fine')).toBeNull();
  });

  it('ldconfig -p listing', () => {
    const listing =
      "42 libs found in cache `/etc/ld.so.cache'\n" +
      '\tlibmimalloc.so.2 (libc6,x86-64) => /lib/x86_64-linux-gnu/libmimalloc.so.2\n' +
      '\tlibjemalloc.so.2 (libc6,x86-64) => /lib/x86_64-linux-gnu/libjemalloc.so.2\n';
    expect(parseLdconfig(listing, 'libjemalloc.so.2')).toEqual(['/lib/x86_64-linux-gnu/libjemalloc.so.2']);
    expect(parseLdconfig(listing, 'libtcmalloc_minimal.so.4')).toEqual([]);
  });

  it('allocators: missing peers are skipped, missing variants are errors that say how to build', () => {
    const r = resolveAllocators(
      '/nonexistent-root',
      [],
      ['glibc', 'mimalloc', 'jemalloc'],
      [{ name: 'mine', path: '/nope/libmine.so' }],
      (so) => (so === 'libmimalloc.so.2' ? '/proc/self/status' : null),
    );
    expect(r.allocators.map((a) => a.name)).toEqual(['glibc', 'mimalloc']);
    expect(r.allocators[0]?.preload).toBeNull();
    expect(r.skipped.map((s) => s.name)).toEqual(['jemalloc', 'mine']);
    expect(r.skipped[0]?.reason).toContain('apt-get install libjemalloc2');
    expect(() => resolveAllocators('/nonexistent-root', ['fast'], [], [])).toThrow(/npx hakmem build fast/);
  });

  it('command-line options', () => {
    const o = parseArgs([
      '--quick',
      '--variants',
      'default,small',
      '--peers=glibc,jemalloc',
      '--peer',
      'x=/lib/x.so',
      '--bench',
      'vm,larson',
      '--instructions',
    ]);
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

  it('command-line options: the last suite wins, --peer repeats, and each bad option is one clear error', () => {
    expect(parseArgs(['--quick', '--suite', 'tiny']).suite).toBe('tiny');
    expect(parseArgs(['--suite=tiny', '--full']).suite).toBe('full');
    expect(parseArgs(['--suite', 'tiny', '--quick']).reps).toBe(3);
    const o = parseArgs(['--peer', 'a=/a.so', '--peer=b=/b.so', '--peer', 'a=/a2.so', '--readme-assets', '-h']);
    expect(o.extraPeers).toEqual([
      { name: 'b', path: '/b.so' },
      { name: 'a', path: '/a2.so' },
    ]);
    expect(o.readmeAssets).toBe(true);
    expect(o.help).toBe(true);
    expect(parseArgs(['--seed', '7', '--threads=3', '--out', 'o', '--root', 'r'])).toMatchObject({
      seed: 7,
      threads: 3,
      out: 'o',
      root: 'r',
    });
    const bad: [string[], string][] = [
      [['--frobnicate'], "unknown option '--frobnicate'"],
      [['-z'], "unknown option '-z'"],
      [['--quick=1'], '--quick takes no value'],
      [['--reps'], '--reps needs a value'],
      [['--reps', '--quick'], '--reps needs a value (one that starts with a dash is written --reps=VALUE)'],
      [['stray'], "unexpected argument 'stray' (options start with --)"],
      [['--suite', 'huge'], "--suite wants one of tiny, quick, full, got 'huge'"],
      [['--seed=-1'], "--seed wants a non-negative integer, got '-1'"],
      [['--seed', '-1'], '--seed needs a value (one that starts with a dash is written --seed=VALUE)'],
    ];
    for (const [args, message] of bad) {
      expect(() => parseArgs(args), args.join(' ')).toThrow(UsageError);
      expect(() => parseArgs(args), args.join(' ')).toThrow(message);
    }
  });

  it('the command says a bad option in one line before the usage, exit 2', async () => {
    let err = '';
    let out = '';
    const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } };
    expect(await main(['--', '--quick=1'], io as never)).toBe(2);
    expect(err.split('\n')[0]).toBe('hakmem-bench: --quick takes no value');
    expect(err).toContain('usage: hakmem-bench');
    expect(out).toBe('');
  });

  it('handoff runs xthread with one pair of exactly 64 B blocks; the others run their own program', () => {
    const p = { suite: 'tiny' as const, threads: 4, seed: 9 };
    const h = BENCH_DEFS.handoff;
    expect(programOf(h)).toBe('xthread');
    expect(h.args(p)).toEqual(['300000', '1', '9', '64', '65', '262144']);
    expect(h.args({ ...p, suite: 'quick' })[0]).toBe('1000000');
    expect(h.args({ ...p, suite: 'full' })[0]).toBe('10000000');
    expect(h.opsArgs(500, p)).toEqual(['500', '1', '9', '64', '65', '262144']);
    expect(programOf(BENCH_DEFS.burst_idle)).toBe('burst_idle');
    expect(BENCH_DEFS.burst_idle.args(p)).toEqual(['32', '0.5', '9']);
    expect(BENCH_DEFS.burst_idle.args({ ...p, suite: 'quick' })).toEqual(['96', '1.5', '9']);
    expect(BENCH_DEFS.burst_idle.args({ ...p, suite: 'full' })).toEqual(['256', '2', '9']);
    for (const name of BENCHMARKS) if (name !== 'handoff') expect(programOf(BENCH_DEFS[name])).toBe(name);
  });

  it('rounds and mstress (the shapes of rptest and mstress) take ops, threads and seed', () => {
    expect(BENCHMARKS.slice(-2)).toEqual(['rounds', 'mstress']);
    const p = { suite: 'tiny' as const, threads: 2, seed: 5 };
    const r = BENCH_DEFS.rounds;
    expect(r.source).toBe('rounds.c');
    expect(r.args(p)).toEqual(['500000', '2', '5']);
    expect(r.args({ ...p, suite: 'quick' })).toEqual(['5000000', '2', '5']);
    expect(r.args({ ...p, suite: 'full', threads: 4 })).toEqual(['40000000', '4', '5']);
    expect(r.opsArgs(777, p)).toEqual(['777', '2', '5']);
    expect(r.instructionOps('quick')).toBe(50_000);
    const m = BENCH_DEFS.mstress;
    expect(m.source).toBe('mstress.c');
    expect(m.args(p)).toEqual(['400000', '2', '5']);
    expect(m.args({ ...p, suite: 'quick' })).toEqual(['4000000', '2', '5']);
    expect(m.args({ ...p, suite: 'full', threads: 4 })).toEqual(['40000000', '4', '5']);
    expect(m.opsArgs(777, p)).toEqual(['777', '2', '5']);
    expect(m.instructionOps('tiny')).toBe(12_500);
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
