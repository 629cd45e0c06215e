/** The benchmark programs (packages/bench/c/*.c) and their parameters per suite. */

export const BENCHMARKS = [
  'larson',
  'random_mixed',
  'tiny_hot',
  'mid_large_mt',
  'vm',
  'xthread',
  'churn',
  'handoff',
  'burst_idle',
  'rounds',
  'mstress',
] as const;
export type BenchName = (typeof BENCHMARKS)[number];

export const SUITES = ['tiny', 'quick', 'full'] as const;
/** tiny: ~0.1 s a run (tests); quick: well under a second (CI); full: seconds (real figures). */
export type Suite = (typeof SUITES)[number];

export interface BenchParams {
  suite: Suite;
  threads: number;
  seed: number;
}

export interface BenchDef {
  name: BenchName;
  /** C source file in packages/bench/c/; several benchmarks may share one program (see programOf) */
  source: string;
  description: string;
  /** arguments of a timed run */
  args(p: BenchParams): string[];
  /** arguments of a fixed-op-count run (for callgrind), n ops */
  opsArgs(n: number, p: BenchParams): string[];
  /** N for instruction counting (runs at N and 2N) */
  instructionOps(suite: Suite): number;
}

/** The program a benchmark runs: its binary's name, and the name its result line carries (handoff runs xthread). */
export const programOf = (b: BenchDef): string => b.source.replace(/\.c$/, '');

const pick = <T>(suite: Suite, tiny: T, quick: T, full: T): T =>
  suite === 'tiny' ? tiny : suite === 'quick' ? quick : full;
const instr = (n: number) => (suite: Suite) => (suite === 'tiny' ? Math.max(1, Math.round(n / 4)) : n);
const s = (n: number) => String(n);
const pairs = (threads: number) => Math.max(1, Math.floor(threads / 2));

// handoff: xthread with one producer-consumer pair, exactly 64 B blocks ([64, 65)) and a 262144-slot ring (a backlog of up to 16 MiB, so slabs empty and fill again)
const handoffArgs = (n: number, p: BenchParams) => [s(n), '1', s(p.seed), '64', '65', '262144'];

const larsonArgs = (seconds: number, p: BenchParams, ops?: number) => {
  // classic order: seconds, min size, max size, blocks per thread, rounds, seed, threads [, ops]
  const a = [s(seconds), '8', '128', '1024', '20', s(p.seed), s(p.threads)];
  return ops === undefined ? a : [...a, s(ops)];
};

export const BENCH_DEFS: Record<BenchName, BenchDef> = {
  larson: {
    name: 'larson',
    source: 'larson.c',
    description:
      'server simulation: threads replace random 8-128 B blocks in arrays of 1024 and hand each array to a new thread every 20 rounds',
    args: (p) => larsonArgs(pick(p.suite, 0.1, 0.3, 2), p),
    opsArgs: (n, p) => larsonArgs(0, p, n),
    instructionOps: instr(100_000),
  },
  random_mixed: {
    name: 'random_mixed',
    source: 'random_mixed.c',
    description: 'one thread, random sizes 16-1040 B over 8192 slots, free-or-allocate per step',
    args: (p) => [s(pick(p.suite, 8_000_000, 24_000_000, 300_000_000)), '8192', s(p.seed)],
    opsArgs: (n, p) => [s(n), '8192', s(p.seed)],
    instructionOps: instr(200_000),
  },
  tiny_hot: {
    name: 'tiny_hot',
    source: 'tiny_hot.c',
    description: 'one size (64 B), malloc/free in a tight loop with 4 live blocks',
    args: (p) => [s(pick(p.suite, 20_000_000, 60_000_000, 600_000_000)), '64'],
    opsArgs: (n) => [s(n), '64'],
    instructionOps: instr(200_000),
  },
  mid_large_mt: {
    name: 'mid_large_mt',
    source: 'mid_large_mt.c',
    description: 'threads replacing random 1-64 KiB blocks in working sets of 256 per thread',
    args: (p) => [s(pick(p.suite, 300_000, 1_000_000, 10_000_000)), s(p.threads), '256', s(p.seed)],
    opsArgs: (n, p) => [s(n), s(p.threads), '256', s(p.seed)],
    instructionOps: instr(50_000),
  },
  vm: {
    name: 'vm',
    source: 'vm.c',
    description: 'blocks of 2-8 MiB allocated, written page by page and freed, 4 live',
    args: (p) => [s(pick(p.suite, 300, 500, 5_000)), '8', s(p.seed)],
    opsArgs: (n, p) => [s(n), '8', s(p.seed)],
    instructionOps: instr(200),
  },
  xthread: {
    name: 'xthread',
    source: 'xthread.c',
    description: 'producer threads allocate 16-512 B blocks, consumer threads free them (every block crosses a thread)',
    args: (p) => [s(pick(p.suite, 300_000, 1_000_000, 10_000_000)), s(pairs(p.threads)), s(p.seed)],
    opsArgs: (n, p) => [s(n), s(pairs(p.threads)), s(p.seed)],
    instructionOps: instr(50_000),
  },
  churn: {
    name: 'churn',
    source: 'churn.c',
    description:
      'generations of short-lived threads (5000 ops each) replacing 16-4096 B blocks inherited from the previous generation',
    args: (p) => [s(pick(p.suite, 500_000, 2_000_000, 20_000_000)), s(p.threads), '5000', '256', s(p.seed)],
    opsArgs: (n, p) => [s(n), s(p.threads), '5000', '256', s(p.seed)],
    instructionOps: instr(50_000),
  },
  handoff: {
    name: 'handoff',
    source: 'xthread.c',
    description:
      'one thread allocates 64 B blocks and hands them through a queue to one other thread, which frees them',
    args: (p) => handoffArgs(pick(p.suite, 300_000, 1_000_000, 10_000_000), p),
    opsArgs: handoffArgs,
    instructionOps: instr(50_000),
  },
  burst_idle: {
    name: 'burst_idle',
    source: 'burst_idle.c',
    description:
      "two threads allocate a burst of 16-1024 B blocks, each frees half of its own and half of the other's, then the process idles lightly; RSS sampled every 10 ms",
    // burst MiB, idle seconds, seed; ops/s is the burst's (allocation and frees), the idle tail is for RSS only
    args: (p) => [s(pick(p.suite, 32, 96, 256)), s(pick(p.suite, 0.5, 1.5, 2)), s(p.seed)],
    // a burst of exactly n blocks with no idle tail (the MiB argument is then unused)
    opsArgs: (n, p) => ['1', '0', s(p.seed), s(n)],
    instructionOps: instr(20_000),
  },
  rounds: {
    name: 'rounds',
    source: 'rounds.c',
    description:
      'threads in a ring, in rounds: each allocates 128 blocks of 16 B-16 KiB (log-uniform, so mostly small), keeps 1024, frees the rest and passes 32 to the next thread, which frees them (the shape of rptest)',
    args: (p) => [s(pick(p.suite, 500_000, 5_000_000, 40_000_000)), s(p.threads), s(p.seed)],
    opsArgs: (n, p) => [s(n), s(p.threads), s(p.seed)],
    instructionOps: instr(50_000),
  },
  mstress: {
    name: 'mstress',
    source: 'mstress.c',
    description:
      'threads swap 16-1024 B blocks (1 in 100 up to 256 KiB) into 4096 shared slots with an atomic exchange and free what they take out; new threads every 10000 steps (the shape of mimalloc-bench mstress)',
    args: (p) => [s(pick(p.suite, 400_000, 4_000_000, 40_000_000)), s(p.threads), s(p.seed)],
    opsArgs: (n, p) => [s(n), s(p.threads), s(p.seed)],
    instructionOps: instr(50_000),
  },
};

export function defaultReps(suite: Suite): number {
  return pick(suite, 1, 3, 5);
}

/** Per-run time limit in seconds (a hung or pathological allocator must not stall the suite). */
export function runTimeout(suite: Suite): number {
  return pick(suite, 60, 120, 600);
}
