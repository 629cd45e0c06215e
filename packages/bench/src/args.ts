/** Command-line options of hakmem-bench. */
import { availableParallelism } from 'node:os';
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

export function parseArgs(argv: readonly string[]): Options {
  let suite: Suite = 'full';
  let reps: number | null = null;
  const o: Options = {
    suite,
    variants: ['default'],
    peers: [],
    extraPeers: [],
    reps: 0,
    threads: defaultThreads(),
    benches: [...BENCHMARKS],
    instructions: false,
    out: null,
    readmeAssets: false,
    root: null,
    seed: 12345,
    help: false,
  };
  let peersGiven = false;
  const args = [...argv];
  while (args.length > 0) {
    let a = args.shift() as string;
    if (a === '--') continue; // pnpm passes a literal -- through
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = args.shift();
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '-h':
      case '--help':
        o.help = true;
        break;
      case '--quick':
        suite = 'quick';
        break;
      case '--full':
        suite = 'full';
        break;
      case '--suite': {
        const v = value();
        if (!(SUITES as readonly string[]).includes(v))
          throw new UsageError(`--suite wants one of ${SUITES.join(', ')}, got '${v}'`);
        suite = v as Suite;
        break;
      }
      case '--variants':
        o.variants = dedupe(list(value()));
        for (const v of o.variants) {
          if (!/^[A-Za-z0-9._-]+$/.test(v)) throw new UsageError(`bad variant name '${v}'`);
        }
        break;
      case '--peers': {
        const ps = dedupe(list(value()));
        for (const p of ps) {
          if (!(KNOWN_PEERS as readonly string[]).includes(p)) {
            throw new UsageError(
              `unknown peer '${p}' (known: ${KNOWN_PEERS.join(', ')}; add others with --peer name=/path/lib.so)`,
            );
          }
        }
        o.peers = ps;
        peersGiven = true;
        break;
      }
      case '--peer': {
        const v = value();
        const i = v.indexOf('=');
        if (i <= 0 || i === v.length - 1) throw new UsageError(`--peer wants name=/path/lib.so, got '${v}'`);
        const name = v.slice(0, i);
        if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError(`bad peer name '${name}'`);
        o.extraPeers = o.extraPeers.filter((p) => p.name !== name);
        o.extraPeers.push({ name, path: v.slice(i + 1) });
        break;
      }
      case '--reps':
        reps = positiveInt(a, value());
        break;
      case '--threads':
        o.threads = positiveInt(a, value());
        break;
      case '--bench': {
        const bs = dedupe(list(value()));
        for (const b of bs) {
          if (!(BENCHMARKS as readonly string[]).includes(b))
            throw new UsageError(`unknown benchmark '${b}' (known: ${BENCHMARKS.join(', ')})`);
        }
        if (bs.length === 0) throw new UsageError('--bench wants at least one benchmark');
        o.benches = BENCHMARKS.filter((b) => bs.includes(b));
        break;
      }
      case '--instructions':
        o.instructions = true;
        break;
      case '--out':
        o.out = value();
        break;
      case '--readme-assets':
        o.readmeAssets = true;
        break;
      case '--root':
        o.root = value();
        break;
      case '--seed': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError(`--seed wants a non-negative integer, got '${v}'`);
        o.seed = Number(v);
        break;
      }
      default:
        throw new UsageError(`unknown option '${a}' (see --help)`);
    }
    if (
      inline !== undefined &&
      ![
        '--suite',
        '--variants',
        '--peers',
        '--peer',
        '--reps',
        '--threads',
        '--bench',
        '--out',
        '--root',
        '--seed',
      ].includes(a)
    ) {
      throw new UsageError(`${a} takes no value`);
    }
  }
  o.suite = suite;
  if (!peersGiven) o.peers = defaultPeers(o.variants);
  o.reps = reps ?? defaultReps(suite);
  for (const p of o.extraPeers) {
    // --peer mimalloc=/other/libmimalloc.so overrides where a known peer is found; glibc has no library
    if (p.name === 'glibc' || p.name.startsWith('hakmem')) {
      throw new UsageError(
        `--peer name '${p.name}' is reserved (glibc runs without LD_PRELOAD; hakmem-* are the variants)`,
      );
    }
  }
  return o;
}
