/**
 * The shape of a workload, from the report the `counters` stats box writes at exit
 * (HAKMEM_STATS=1, HAKMEM_STATS_FILE=<file>: one report per process, appended). `hakmem tune`
 * runs the command once under the base variant with that box, and the shape decides which
 * candidates are worth measuring (candidates.ts).
 */

export interface WorkloadShape {
  /** Processes whose report was read. */
  readonly processes: number;
  /** Every event count, summed over the processes (malloc_hit, free_remote, ...). */
  readonly events: Readonly<Record<string, number>>;
  /** Small-block allocations per class size in bytes (hits + misses). */
  readonly classes: ReadonlyArray<{ readonly size: number; readonly mallocs: number }>;
  /** Small and large allocations. */
  readonly mallocs: number;
  /** Frees of another thread's block / all small frees. */
  readonly remoteShare: number;
  /** Large allocations / all allocations. */
  readonly largeShare: number;
  /** Small allocations that refilled the front / small allocations. */
  readonly missRate: number;
  /** Drains of a full front per small free. */
  readonly drainRate: number;
  /** Mappings given back to the OS. */
  readonly unmaps: number;
  /** Classes holding 90% of the small allocations. */
  readonly hotClasses: number;
}

const ev = (e: Readonly<Record<string, number>>, k: string): number => e[k] ?? 0;
const share = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** Sums every `hakmem stats:` report in `text`. */
export function parseStatsReports(text: string): WorkloadShape {
  const events: Record<string, number> = {};
  const bySize = new Map<number, number>();
  let processes = 0;
  let inClasses = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('hakmem stats:')) {
      processes++;
      inClasses = false;
      continue;
    }
    const f = line.trim().split(/\s+/);
    if (f[0] === 'class' && f[1] === 'bytes') {
      inClasses = true;
      continue;
    }
    if (inClasses && /^\d+$/.test(f[0] ?? '') && f.length >= 3) {
      const size = Number(f[0]);
      bySize.set(size, (bySize.get(size) ?? 0) + Number(f[1]) + Number(f[2]));
      continue;
    }
    if (!inClasses && f.length >= 2 && /^[a-z_]+$/.test(f[0]!) && /^\d+$/.test(f[1]!)) {
      events[f[0]!] = (events[f[0]!] ?? 0) + Number(f[1]);
    }
  }
  const classes = [...bySize]
    .map(([size, mallocs]) => ({ size, mallocs }))
    .filter((c) => c.mallocs > 0)
    .sort((a, b) => b.mallocs - a.mallocs);
  const small = ev(events, 'malloc_hit') + ev(events, 'malloc_miss');
  const frees = ev(events, 'free_local') + ev(events, 'free_remote');
  let acc = 0;
  let hot = 0;
  for (const c of classes) {
    if (acc >= 0.9 * small) break;
    acc += c.mallocs;
    hot++;
  }
  return {
    processes,
    events,
    classes,
    mallocs: small + ev(events, 'large_alloc'),
    remoteShare: share(ev(events, 'free_remote'), frees),
    largeShare: share(ev(events, 'large_alloc'), small + ev(events, 'large_alloc')),
    missRate: share(ev(events, 'malloc_miss'), small),
    drainRate: share(ev(events, 'drain'), frees),
    unmaps: ev(events, 'chunk_unmap'),
    hotClasses: hot,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(x < 0.01 ? 2 : 1)}%`;

/** One line per figure, for the terminal and the record. */
export function describeShape(s: WorkloadShape): string[] {
  const top = s.classes
    .slice(0, 4)
    .map((c) => `${c.size} B ${pct(share(c.mallocs, s.mallocs))}`)
    .join(', ');
  return [
    `${s.mallocs} allocations in ${s.processes} process(es); ${s.hotClasses} size class(es) hold 90% (${top || 'none'})`,
    `cross-thread frees ${pct(s.remoteShare)}, large blocks ${pct(s.largeShare)}, front misses ${pct(s.missRate)}, front drains ${pct(s.drainRate)} of frees, ${s.unmaps} mappings given back`,
  ];
}
