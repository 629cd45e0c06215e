/** Command-line options of hakmem-bench. */
import { availableParallelism } from 'node:os';
import { type ParseArgsConfig, parseArgs as parseArgsUtil } from 'node:util';
import { BENCHMARKS, SUITES, defaultReps, type BenchName, type Suite } from './benchmarks.js';

/** The allocators a user would pick for speed: the "best peer" of every ratio is the best of these (and of --peer extras). */
export const SPEED_PEERS = ['glibc', 'mimalloc', 'jemalloc', 'tcmalloc'] as const;
/** Hardened allocators: each is the peer of one hakmem variant, compared with it alone, never a best-peer candidate. */
export const HARDENED_PEERS = { scudo: 'secure' } as const;
export type HardenedPeer = keyof typeof HARDENED_PEERS;
export const KNOWN_PEERS = [...SPEED_PEERS, ...(Object.keys(HARDENED_PEERS) as HardenedPeer[])] as const;

export const isHardenedPeer = (name: string): name is HardenedPeer => Object.hasOwn(HARDENED_PEERS, name);

/** Without --peers: the speed peers, plus each hardened peer whose variant is in the run (scudo with secure). */
export function defaultPeers(variants: readonly string[]): string[] {
  const hardened = Object.entries(HARDENED_PEERS)
    .filter(([, variant]) => variants.includes(variant))
    .map(([peer]) => peer);
  return [...SPEED_PEERS, ...hardened];
}

export interface ExtraPeer {
  name: string;
  path: string;
}

export interface Options {
  suite: Suite;
  /** hakmem variants, each at <root>/dist/<v>/libhakmem.so */
  variants: string[];
  /** known peers to include (glibc, mimalloc, jemalloc, tcmalloc, scudo); without --peers, defaultPeers(variants) */
  peers: string[];
  /** --peer name=/path/lib.so */
  extraPeers: ExtraPeer[];
  reps: number;
  threads: number;
  benches: BenchName[];
  instructions: boolean;
  /** output dir; null = <root>/bench-results */
  out: string | null;
  readmeAssets: boolean;
  /** repository root; null = found automatically */
  root: string | null;
  seed: number;
  help: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: hakmem-bench [options]     (npx hakmem-bench [options])

Runs the benchmark programs once per allocator (hakmem variants by LD_PRELOAD,
glibc without, peers by LD_PRELOAD), interleaved, and writes reports.

  --quick                CI-sized suite (each run well under a second)
  --suite tiny|quick|full  tiny is for tests (~0.1 s a run); default full
  --variants a,b         hakmem variants from <root>/dist/<v>/ (default: default; 'none' for none)
  --peers a,b            glibc,mimalloc,jemalloc,tcmalloc,scudo ('none' for none); default: the first
                         four, plus scudo when the secure variant runs. Ratios are to the best of
                         glibc/mimalloc/jemalloc/tcmalloc (and --peer extras); Scudo, the hardened
                         peer, is compared with secure alone (the "secure / scudo" column)
  --peer name=/path.so   an extra peer allocator, or another path for a known one (repeatable)
  --reps N               runs per allocator (default: full 5, quick 3, tiny 1)
  --threads N            threads for the multi-threaded benchmarks (default min(4, max(2, cores)))
  --bench a,b            a subset of: ${BENCHMARKS.join(', ')}
  --instructions         also count exact instructions per op with valgrind --tool=callgrind
  --out DIR              report directory (default <root>/bench-results)
  --readme-assets        also copy throughput.svg and rss.svg into <root>/docs/bench/
  --root DIR             repository root (default: found from this package or the cwd)
  --seed N               seed of the benchmarks' PRNG (default 12345)
  -h, --help             this text
`;

export function defaultThreads(): number {
  return Math.min(4, Math.max(2, availableParallelism()));
}

function list(v: string): string[] {
  const items = v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
  return items.length === 1 && items[0] === 'none' ? [] : items;
}

function positiveInt(flag: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} wants a positive integer, got '${v}'`);
  return Number(v);
}

const dedupe = <T>(xs: T[]): T[] => [...new Set(xs)];

/** The options, for node:util's parseArgs: the one list of what each option is and takes. */
const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  quick: { type: 'boolean' },
  full: { type: 'boolean' },
  suite: { type: 'string' },
  variants: { type: 'string' },
  peers: { type: 'string' },
  peer: { type: 'string', multiple: true },
  reps: { type: 'string' },
  threads: { type: 'string' },
  bench: { type: 'string' },
  instructions: { type: 'boolean' },
  out: { type: 'string' },
  'readme-assets': { type: 'boolean' },
  root: { type: 'string' },
  seed: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** node:util's parse errors, said the way the rest of the usage errors are. */
function usageError(e: Error & { code?: string }): UsageError {
  const name = /'(-[^' <]+)/.exec(e.message)?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option '${name}'`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument '${/'([^']*)'/.exec(e.message)?.[1]}' (options start with --)`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(e.message)) return new UsageError(`${name} takes no value`);
      if (/ambiguous/.test(e.message)) {
        return new UsageError(`${name} needs a value (one that starts with a dash is written ${name}=VALUE)`);
      }
      return new UsageError(`${name} needs a value`);
    default:
      return new UsageError(e.message);
  }
}

export function parseArgs(argv: readonly string[]): Options {
  let parsed: ReturnType<typeof parseArgsUtil<{ args: string[]; options: typeof OPTIONS; tokens: true }>>;
  try {
    // pnpm passes a literal -- through: options follow it too
    parsed = parseArgsUtil({ args: argv.filter((a) => a !== '--'), options: OPTIONS, tokens: true });
  } catch (e) {
    throw usageError(e as Error & { code?: string });
  }
  const { values, tokens } = parsed;
  const o: Options = {
    suite: 'full',
    variants: ['default'],
    peers: [],
    extraPeers: [],
    reps: 0,
    threads: defaultThreads(),
    benches: [...BENCHMARKS],
    instructions: values.instructions ?? false,
    out: values.out ?? null,
    readmeAssets: values['readme-assets'] ?? false,
    root: values.root ?? null,
    seed: 12345,
    help: values.help ?? false,
  };
  // --quick, --full and --suite: the last one given
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (t.name === 'quick') o.suite = 'quick';
    else if (t.name === 'full') o.suite = 'full';
    else if (t.name === 'suite') {
      const v = t.value ?? '';
      if (!(SUITES as readonly string[]).includes(v))
        throw new UsageError(`--suite wants one of ${SUITES.join(', ')}, got '${v}'`);
      o.suite = v as Suite;
    }
  }
  if (values.variants !== undefined) {
    o.variants = dedupe(list(values.variants));
    for (const v of o.variants) {
      if (!/^[A-Za-z0-9._-]+$/.test(v)) throw new UsageError(`bad variant name '${v}'`);
    }
  }
  if (values.peers !== undefined) {
    const ps = dedupe(list(values.peers));
    for (const p of ps) {
      if (!(KNOWN_PEERS as readonly string[]).includes(p)) {
        throw new UsageError(
          `unknown peer '${p}' (known: ${KNOWN_PEERS.join(', ')}; add others with --peer name=/path/lib.so)`,
        );
      }
    }
    o.peers = ps;
  } else {
    o.peers = defaultPeers(o.variants);
  }
  for (const v of values.peer ?? []) {
    const i = v.indexOf('=');
    if (i <= 0 || i === v.length - 1) throw new UsageError(`--peer wants name=/path/lib.so, got '${v}'`);
    const name = v.slice(0, i);
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError(`bad peer name '${name}'`);
    // --peer mimalloc=/other/libmimalloc.so overrides where a known peer is found; glibc has no library
    if (name === 'glibc' || name.startsWith('hakmem')) {
      throw new UsageError(
        `--peer name '${name}' is reserved (glibc runs without LD_PRELOAD; hakmem-* are the variants)`,
      );
    }
    o.extraPeers = o.extraPeers.filter((p) => p.name !== name);
    o.extraPeers.push({ name, path: v.slice(i + 1) });
  }
  o.reps = values.reps !== undefined ? positiveInt('--reps', values.reps) : defaultReps(o.suite);
  if (values.threads !== undefined) o.threads = positiveInt('--threads', values.threads);
  if (values.bench !== undefined) {
    const bs = dedupe(list(values.bench));
    for (const b of bs) {
      if (!(BENCHMARKS as readonly string[]).includes(b))
        throw new UsageError(`unknown benchmark '${b}' (known: ${BENCHMARKS.join(', ')})`);
    }
    if (bs.length === 0) throw new UsageError('--bench wants at least one benchmark');
    o.benches = BENCHMARKS.filter((b) => bs.includes(b));
  }
  if (values.seed !== undefined) {
    if (!/^\d+$/.test(values.seed)) throw new UsageError(`--seed wants a non-negative integer, got '${values.seed}'`);
    o.seed = Number(values.seed);
  }
  return o;
}
