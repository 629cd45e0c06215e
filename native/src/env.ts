/**
 * The environment variables a hakmem library reads: all at start-up (or exit), without
 * allocating; a bad value prints one line naming the variable and what it accepts, and the
 * built-in value stays. `hakmem list --env` prints this table and the README shows it;
 * test/docs/env.test.ts checks it against every getenv of the C sources.
 */
export interface EnvOption {
  readonly name: string;
  /** Who reads it: 'core', or the slot whose boxes do. */
  readonly scope: string;
  readonly accepts: string;
  /** What applies when it is unset. */
  readonly default: string;
  readonly what: string;
}

export const ENV_OPTIONS: readonly EnvOption[] = [
  {
    name: 'HAKMEM_PURGE_DELAY_MS',
    scope: 'purge',
    accepts: 'whole milliseconds, 0 to 3600000',
    default: 'the tunable purge.delayMs (500)',
    what: 'how long idle memory rests before it goes back to the OS (decay, background)',
  },
  {
    name: 'HAKMEM_SOFT_LIMIT',
    scope: 'purge',
    accepts: 'bytes with K, M or G (512M); 0 for none',
    default: 'the tunable purge.softLimit (none), lowered by the cgroup v2 limits',
    what: 'past this much mapped, everything idle goes back before mapping more',
  },
  {
    name: 'HAKMEM_LIMIT',
    scope: 'purge',
    accepts: 'bytes with K, M or G (512M); 0 for none',
    default: 'the tunable purge.hardLimit (none)',
    what: 'past this much mapped, even after idle memory went back, malloc returns NULL with ENOMEM',
  },
  {
    name: 'HAKMEM_METRICS',
    scope: 'core',
    accepts: 'a file path, or - for stderr',
    default: 'unset: nothing written',
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
    default: 'unset: nothing written',
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
];
