/** bench-results/latest.md: the run as Markdown tables. Pure. */
import type { HardenedRatios, Report, Row } from './report-json.js';
import { numParam, timelineRows, TIMELINE_BENCH } from './svg.js';
import {
  fmtFaults,
  fmtInstr,
  fmtKb,
  fmtNs,
  fmtRate,
  fmtRatio,
  hasInstructions,
  instrCell,
  mdTable,
  PAIR_BENCH,
  pairRows,
  rowCells,
  rowHeaders,
  unavailableNotes,
  type Align,
} from './table.js';

/** A column after the allocators': its heading and a cell per benchmark. */
export interface ExtraColumn {
  header: string;
  cell: (bench: string) => string;
}

function matrix(
  report: Report,
  cell: (r: Row | undefined, best: boolean) => string,
  bestOf: (b: string) => string | undefined,
  extra: readonly ExtraColumn[] = [],
): string {
  const allocs = report.allocators.map((a) => a.name);
  const benches = [...new Set(report.rows.map((r) => r.benchmark))];
  const rows = benches.map((b) => [
    b,
    ...allocs.map((a) => {
      const r = report.rows.find((x) => x.benchmark === b && x.allocator === a);
      return cell(r, bestOf(b) === a);
    }),
    ...extra.map((c) => c.cell(b)),
  ]);
  const align: Align[] = ['left', ...allocs.map((): Align => 'right'), ...extra.map((): Align => 'right')];
  return mdTable(['benchmark', ...allocs, ...extra.map((c) => c.header)], rows, align);
}

/** One "secure / scudo" column per hardened pair, of one of its ratios. */
export function hardenedColumns(report: Report, figure: 'throughputRatio' | 'rssRatio'): ExtraColumn[] {
  return (report.hardenedPairs ?? []).map((p) => ({
    header: p.label,
    cell: (b: string) => fmtRatio((p.benchmarks[b] as HardenedRatios | undefined)?.[figure]),
  }));
}

/** The sentence under a matrix that says what its "secure / scudo" column is. */
function hardenedNote(report: Report, what: string, better: string): string[] {
  const pairs = report.hardenedPairs ?? [];
  if (pairs.length === 0) return [];
  return [
    pairs.map((p) => `\`${p.label}\`: ${p.variant}'s ${what} ÷ ${p.peer}'s, in the same run (${better}).`).join(' '),
    '',
  ];
}

/** tiny_hot's op is one malloc + one free: its time per op, in ns, for every allocator. */
function pairSection(report: Report): string[] {
  const rows = pairRows(report);
  if (rows.length === 0) return [];
  return [
    `## Nanoseconds per malloc + free pair (${PAIR_BENCH}; lower is better)`,
    '',
    mdTable(
      ['allocator', 'ns per pair', 'min..max'],
      rows.map((r) => [r.allocator, fmtNs(r.nsPerOp), `${fmtNs(r.nsPerOpMin)}..${fmtNs(r.nsPerOpMax)}`]),
      ['left', 'right', 'right'],
    ),
    `1e9 ÷ ${PAIR_BENCH}'s ops/s: one thread, one op = one malloc and one free of 64 B (4 blocks live, freed LIFO), ` +
      'the loop and a write to each block included; median of the runs.',
    '',
  ];
}

const bold = (s: string, on: boolean) => (on && s !== '—' ? `**${s}**` : s);

export function summaryLine(report: Report): string {
  const m = report.machine;
  const o = report.options;
  const parts = [
    report.date.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'),
    `${m.cpuModel} (${m.cores} cores)`,
    `Linux ${m.kernel}`,
    ...(m.glibc ? [`glibc ${m.glibc}`] : []),
    `suite ${String(o.suite)}`,
    `${String(o.reps)} run(s) each`,
    `${String(o.threads)} threads`,
  ];
  return parts.join(' · ');
}

/** burst_idle's RSS over time: the chart, and its key figures from the same (first) run. */
function timelineSection(report: Report): string[] {
  const rows = timelineRows(report);
  if (rows.length === 0) return [];
  const kb = (r: Row, k: string) => fmtKb(numParam(r.params, k));
  return [
    `## RSS over time after a burst (${TIMELINE_BENCH}; lower is better)`,
    '',
    '![RSS over time: a burst freed across two threads, then light activity](rss-timeline.svg)',
    '',
    mdTable(
      ['allocator', 'before the burst', 'peak', 'end of the idle tail', 'after malloc_trim(0)'],
      rows.map((r) => [
        r.allocator,
        kb(r, 'rssStartKb'),
        kb(r, 'rssPeakKb'),
        kb(r, 'rssEndKb'),
        kb(r, 'rssAfterTrimKb'),
      ]),
      ['left', 'right', 'right', 'right', 'right'],
    ),
    'Sampled from `/proc/self/statm` every 10 ms by the program itself; the first run of each allocator.',
    '',
  ];
}

export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  out.push('# hakmem benchmarks', '', summaryLine(report), '');
  out.push(
    'Every allocator runs the same binaries as separate processes (hakmem variants and peers by `LD_PRELOAD`, glibc without), ' +
      'interleaved in rounds; figures are medians, ratios are to the best peer (any non-hakmem allocator, glibc included) of the same run, ' +
      "throughput's as the median of each round's ratio (a change of the machine between rounds drops out). " +
      'The best peer is in bold.',
    '',
  );
  const hardened = report.allocators.filter((a) => a.hardenedPeerOf);
  if (hardened.length > 0) {
    out.push(
      hardened
        .map(
          (a) =>
            `${a.name} is a hardened allocator: the peer of ${a.hardenedPeerOf}, not of the speed variants, so it is no best-peer candidate; ` +
            `the column \`${(a.hardenedPeerOf as string).replace(/^hakmem-/, '')} / ${a.name}\` compares the two directly.`,
        )
        .join(' '),
      '',
    );
  }

  out.push('## Throughput vs best peer (higher is better)', '');
  out.push(
    matrix(
      report,
      (r, best) =>
        r?.opsPerSec == null
          ? r?.error
            ? 'failed'
            : '—'
          : bold(`${fmtRatio(r.ratioToBestPeer)} (${fmtRate(r.opsPerSec)}/s)`, best),
      (b) => report.bestPeers[b]?.throughput?.name,
      hardenedColumns(report, 'throughputRatio'),
    ),
  );
  out.push(...hardenedNote(report, 'ops/s', 'higher is better'));
  out.push('![throughput relative to the best peer](throughput.svg)', '');

  out.push('## Peak RSS vs best peer (lower is better)', '');
  out.push(
    matrix(
      report,
      (r, best) =>
        r?.peakRssKb == null ? '—' : bold(`${fmtRatio(r.rssRatioToBestPeer)} (${fmtKb(r.peakRssKb)})`, best),
      (b) => report.bestPeers[b]?.rss?.name,
      hardenedColumns(report, 'rssRatio'),
    ),
  );
  out.push(...hardenedNote(report, 'peak RSS', 'lower is better'));
  out.push('![peak RSS relative to the best peer](rss.svg)', '');

  out.push(...pairSection(report));

  out.push('## Minor page faults per operation (lower is better)', '');
  out.push(
    matrix(
      report,
      (r, best) =>
        r?.faultsPerOp == null ? '—' : bold(`${fmtFaults(r.faultsPerOp)} (${fmtRatio(r.faultsRatioToBestPeer)})`, best),
      (b) => report.bestPeers[b]?.faults?.name,
    ),
  );
  out.push(
    "The process's minor page faults (`wait4`'s `ru_minflt`, start-up included) divided by its ops, median: each is the kernel " +
      'mapping a page on its first touch, so they count the memory the allocator takes from the OS, including memory it gave back and faults in again.',
    '',
  );

  out.push(...timelineSection(report));

  const withInstr = hasInstructions(report);
  if (withInstr) {
    out.push('## Instructions per op (callgrind, exact; lower is better)', '');
    out.push(
      matrix(
        report,
        (r, best) =>
          r?.instructionsPerOp == null
            ? r
              ? instrCell(r)
              : '—'
            : bold(`${fmtInstr(r.instructionsPerOp)} (${fmtRatio(r.instructionsRatioToBestPeer)})`, best),
        (b) => report.bestPeers[b]?.instructions?.name,
      ),
    );
    out.push('Counted as (I(2N) − I(N)) / N with `valgrind --tool=callgrind`, so start-up cancels out.', '');
    for (const n of unavailableNotes(report)) out.push(`- ${n.allocator}: n/a (${n.reason})`);
    out.push('');
  }

  out.push('## Details', '');
  const { headers, align } = rowHeaders(withInstr);
  out.push(
    mdTable(
      headers,
      report.rows.map((r) => rowCells(r, withInstr)),
      align,
    ),
  );

  out.push('## Benchmarks', '');
  for (const b of report.benchmarks) {
    out.push(`- **${b.name}**: ${b.description} (\`${b.program ?? b.name} ${b.args.join(' ')}\`)`);
  }
  out.push('');

  out.push('## Allocators', '');
  for (const a of report.allocators) {
    const kind = a.hardenedPeerOf ? `${a.kind}; hardened, compared with ${a.hardenedPeerOf}` : a.kind;
    out.push(
      `- **${a.name}** (${kind}): ${a.preload ? `\`LD_PRELOAD=${a.preload}\`` : 'no preload (the system malloc)'}`,
    );
  }
  for (const s of report.skipped) out.push(`- ~~${s.name}~~ skipped: ${s.reason}`);
  out.push('');

  for (const [v, json] of Object.entries(report.variants)) {
    out.push(
      `<details><summary>variant.json of ${v}</summary>`,
      '',
      '```json',
      JSON.stringify(json, null, 2),
      '```',
      '',
      '</details>',
      '',
    );
  }

  if (report.failures.length > 0) {
    out.push('## Failures', '');
    for (const f of report.failures) out.push(`- ${f.benchmark} / ${f.allocator}: ${f.error.replace(/\n/g, ' ')}`);
    out.push('');
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
