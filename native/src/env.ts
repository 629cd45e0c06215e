import type { Tunable } from './manifest.js';

/**
 * The environment variables a hakmem library reads: all at start-up (or exit), without
 * allocating; a bad value prints one line naming the variable and what it accepts, and the
 * built-in value stays. Two kinds: the core's own (ENV_OPTIONS, read by getenv in
 * native/core), and one per runtime tunable of a box (`runtime: true` in its manifest), named
 * `HAKMEM_<SLOT>_<TUNABLE>` and read by the generated table (hk_options.c). `hakmem list --env`
 * prints both for the boxes a config can use; docs/runtime-options.md's table is generated from the same
 * (`pnpm docs`); test/docs/env.test.ts checks the getenv calls of the C sources against ENV_OPTIONS.
 *
 * Any other HAKMEM_ variable in a process's environment prints one line at start-up (a typo,
 * or a runtime tunable of a box the variant does not have): the library knows the core's
 * variables (all of ENV_OPTIONS, in every variant), its own boxes' tunables, and TOOL_ENV, the
 * variables only hakmem's Node tools, tests and scripts read, which it never judges.
 */
export interface EnvOption {
  readonly name: string;
  /** A second name read when `name` is unset (a runtime tunable's `env`). */
  readonly alias?: string;
  /** Who reads it: 'core', or the slot whose boxes do. */
  readonly scope: string;
  /** For a runtime tunable: `<slot>.<tunable>`, and the boxes that have it. */
  readonly tunable?: string;
  readonly boxes?: readonly string[];
  readonly accepts: string;
  /** What applies when it is unset. */
  readonly default: string;
  readonly what: string;
}

/** camelCase -> SCREAMING_SNAKE: maxBlocks -> MAX_BLOCKS (the tunable constants and variables). */
export const screamingSnake = (s: string): string =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();

/** The environment variable of a runtime tunable: HAKMEM_<SLOT>_<TUNABLE>. */
export const tunableEnvName = (slot: string, tunable: string): string =>
  `HAKMEM_${screamingSnake(slot)}_${screamingSnake(tunable)}`;

/** Units whose values may also be written as a size in bytes with K, M or G. */
export const SIZE_UNITS: ReadonlySet<string> = new Set(['bytes', 'MiB']);

/** What the variable of a runtime tunable accepts, in words (also the C reader's error line). */
export function tunableAccepts(t: Tunable): string {
  switch (t.type) {
    case 'bool':
      return '0 or 1';
    case 'enum':
      return `one of ${t.values.join(', ')}`;
    case 'int': {
      const whole = `a whole number${t.unit ? ` of ${t.unit}` : ''} from ${t.min} to ${t.max}`;
      if (!SIZE_UNITS.has(t.unit ?? '')) return whole;
      return t.unit === 'MiB'
        ? `${whole}, or a size with K, M or G (e.g. 512M; rounded up to MiB)`
        : `${whole}, or a size with K, M or G (e.g. 64K)`;
    }
  }
}

const fmtDefault = (t: Tunable): string =>
  t.type === 'int' ? `${t.default}${t.unit ? ` ${t.unit}` : ''}` : String(t.default);

/**
 * The variables of the runtime tunables of one slot's boxes, one per tunable name (boxes that
 * share a tunable, spread from a base or not, share its variable).
 */
export function tunableEnvOptions(
  slot: string,
  boxes: Readonly<Record<string, { readonly tunables: Readonly<Record<string, Tunable>> }>>,
): EnvOption[] {
  const byName = new Map<string, { t: Tunable; boxes: string[] }>();
  for (const [box, m] of Object.entries(boxes)) {
    for (const [name, t] of Object.entries(m.tunables)) {
      if (!t.runtime) continue;
      const seen = byName.get(name);
      if (seen) seen.boxes.push(box);
      else byName.set(name, { t, boxes: [box] });
    }
  }
  return [...byName].map(([name, { t, boxes: has }]) => ({
    name: tunableEnvName(slot, name),
    ...(t.env ? { alias: t.env } : {}),
    scope: slot,
    tunable: `${slot}.${name}`,
    boxes: has,
    accepts: tunableAccepts(t),
    default: `the variant's ${slot}.${name} (built in: ${fmtDefault(t)})`,
    what: t.description,
  }));
}

/** The core's variables. */
export const ENV_OPTIONS: readonly EnvOption[] = [
  {
    name: 'HAKMEM_VERBOSE',
    scope: 'core',
    accepts: '0 or 1',
    default: '0',
    what: 'at start-up, print the variant, its boxes, and every tunable with its value and where it came from (built in, the config, or which variable)',
  },
  {
    name: 'HAKMEM_METRICS',
    scope: 'core',
    accepts: 'a file path, or - for stderr',
    default: 'nothing written',
    what: 'write hakmem_metrics_json() there at exit',
  },
  {
    name: 'HAKMEM_METRICS_SIGNAL',
    scope: 'core',
    accepts: '0 or 1 (needs HAKMEM_METRICS)',
    default: '0',
    what: 'also write the metrics on SIGUSR2',
  },
  {
    name: 'HAKMEM_REPORT',
    scope: 'core',
    accepts: 'a file path, or - for stderr',
    default: 'nothing written',
    what: 'append one line at exit: pid, variant, chunks, large mappings, bytes mapped',
  },
  {
    name: 'HAKMEM_STATS',
    scope: 'core',
    accepts: '1 (any value but 0)',
    default: '0',
    what: 'print the stats box counters (and cycles) at exit (counters and profile boxes)',
  },
  {
    name: 'HAKMEM_STATS_FILE',
    scope: 'core',
    accepts: 'a file path (appended to)',
    default: 'stderr',
    what: 'where HAKMEM_STATS writes',
  },
  {
    name: 'HAKMEM_PROFILE',
    scope: 'sampler',
    accepts: 'a file path (every %p is replaced by the pid), or - for stderr',
    default: 'nothing written',
    what: 'write the heap profile (docs/profile-format.md) there at exit (sampler/poisson)',
  },
  {
    name: 'HAKMEM_PROFILE_SIGNAL',
    scope: 'sampler',
    accepts: '0 or 1 (needs HAKMEM_PROFILE)',
    default: '0',
    what: 'also write the heap profile on SIGUSR1 (sampler/poisson)',
  },
];

/**
 * Variables only hakmem's Node tools, tests and scripts read, never the C library: a library
 * does not warn about them at start-up (they are in the environment of every program a test
 * or a script runs). test/docs/env.test.ts checks that every HAKMEM_ variable the TypeScript
 * and the scripts read from process.env is here or a variable of the library.
 */
export const TOOL_ENV: readonly { readonly name: string; readonly what: string }[] = [
  { name: 'HAKMEM_TEST_VARIANT', what: 'the variant the native tests run (scripts/test-variants.mjs sets it)' },
  { name: 'HAKMEM_RELIABILITY_VARIANTS', what: 'the variants the reliability tests build' },
  { name: 'HAKMEM_FUZZ_SECONDS', what: 'how long the fuzz test runs' },
  { name: 'HAKMEM_KEEP_CONSUMER', what: 'keep the consumer test project' },
  { name: 'HAKMEM_BENCH_BUILD_DIR', what: 'where `hakmem-bench` builds its programs' },
  { name: 'HAKMEM_DEBUG', what: 'the `hakmem` command prints a stack trace with an error' },
  {
    name: 'HAKMEM_BUILD_CACHE',
    what: 'where `hakmem build` keeps the objects it reuses across builds, shared by every project that names it (default: <project>/.hakmem/cache)',
  },
];
