import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import type { ProbeNames, SlotName } from './slots.js';

export type { ProbeNames };

/** `osStats()` of the addon: what hakmem holds from the OS. */
export interface HakmemOsStats {
  chunks: number;
  largeMaps: number;
  bytesMapped: number;
}

/** `metrics()` of the addon, and the JSON a preloaded process writes to HAKMEM_METRICS
 * (hakmem.h's hakmem_metrics_t states each figure; bytes unless named otherwise). */
export interface HakmemMetrics {
  schema: 1;
  variant: string;
  allocated: number;
  active: number;
  mapped: number;
  resident: number;
  retained: number;
  metadata: number;
  large_blocks: number;
  large_mapped: number;
  large_cached: number;
  threads: number;
  orphaned_heaps: number;
  minor_faults: number;
  major_faults: number;
  classes: { size: number; blocks: number }[];
}

/** Names of the events the stats box counts: hakmem.h's HAKMEM_EVENT_LIST, in order (test/docs/events.test.ts holds them equal). */
export const STAT_EVENTS = [
  'malloc_hit',
  'malloc_miss',
  'free_local',
  'free_remote',
  'refill',
  'refill_blocks',
  'drain',
  'drain_blocks',
  'chunk_map',
  'chunk_unmap',
  'large_alloc',
  'large_free',
  'remote_atomics',
] as const;
export type StatEvent = (typeof STAT_EVENTS)[number];

/** One event's totals over every thread: count, summed cycles (profile box), count per size class. */
export interface HakmemStatEvent {
  count: number;
  cycles: number;
  byClass: number[];
}

/** `stats()` of the addon: the same figures as hakmem_stats() in C. All zero when the stats box is off. */
export interface HakmemStats {
  enabled: boolean;
  profiled: boolean;
  events: Record<StatEvent, HakmemStatEvent>;
}

/** The JavaScript API of dist/<variant>/hakmem.node (docs/contract.md). Addresses are BigInt. */
export interface HakmemAddon {
  malloc(size: number): bigint;
  calloc(n: number, size: number): bigint;
  realloc(p: bigint, size: number): bigint;
  free(p: bigint): void;
  /** posix_memalign; 0n on failure. */
  memalign(alignment: number, size: number): bigint;
  usableSize(p: bigint): number;
  /** memset(p, byte, n). */
  fill(p: bigint, byte: number, n: number): void;
  /** Every one of the n bytes at p equals `byte`. */
  check(p: bigint, byte: number, n: number): boolean;
  /** Frees p from a new thread and joins it. */
  freeOnOtherThread(p: bigint): void;
  version(): string;
  variantName(): string;
  variantJson(): string;
  /** Throws on an unknown probe. */
  probe(slot: string, name: string, arg?: bigint | number): bigint;
  osStats(): HakmemOsStats;
  /** hakmem_metrics_json(), parsed: live figures, derived at read time. */
  metrics(): HakmemMetrics;
  stats(): HakmemStats;
  /** hakmem_trim(): everything resting goes back to the OS now; returns the bytes. */
  trim(): number;
  /** hakmem_profile_dump(path): the heap profile (docs/profile-format.md) written to path now.
   * Throws (with `errno`) when it is not: ENOTSUP under sampler/none. */
  profileDump(path: string): void;
}

/** The probes of the contract, per slot ('core' for the core): from the slot list (slots.ts). */
export type ProbeSlot = keyof ProbeNames;

/** Typed `hk.probe(...)`: only the probes the contract names type-check. */
export function probe<S extends ProbeSlot>(
  hk: HakmemAddon,
  slot: S,
  name: ProbeNames[S],
  arg: bigint | number = 0,
): bigint {
  return hk.probe(slot, name, arg);
}

/** A probe whose value is a count or index: returned as a number. */
export function probeNumber<S extends ProbeSlot>(
  hk: HakmemAddon,
  slot: S,
  name: ProbeNames[S],
  arg: bigint | number = 0,
): number {
  return Number(hk.probe(slot, name, arg));
}

/** Size class of `size`, or -1 when it is not a slab size. */
export const classOf = (hk: HakmemAddon, size: number): number => probeNumber(hk, 'core', 'class_of', size);
/** Block size of class `cls`, in bytes. */
export const classSize = (hk: HakmemAddon, cls: number): number => probeNumber(hk, 'core', 'class_size', cls);
/** Number of size classes. */
export const classCount = (hk: HakmemAddon): number => probeNumber(hk, 'core', 'classes');

/** What `classify` says an address is. */
export const FOREIGN = 0;
export const SLAB_BLOCK = 1;
export const LARGE_BLOCK = 2;
/** An aligned pointer handed out inside a slab block (alignments above 64 bytes). */
export const INTERIOR_BLOCK = 3;
export type Classification = typeof FOREIGN | typeof SLAB_BLOCK | typeof LARGE_BLOCK | typeof INTERIOR_BLOCK;

/** What the core's free would make of `addr`: 0 foreign (or freed), 1 a live slab block, 2 a live large block, 3 an aligned pointer inside a live slab block. */
export const classify = (hk: HakmemAddon, addr: bigint): Classification =>
  probeNumber(hk, 'core', 'classify', addr) as Classification;
/** Invalid frees reported so far (foreign, interior, double). */
export const invalidFrees = (hk: HakmemAddon): number => probeNumber(hk, 'core', 'invalid_frees');

/** variant.json, as written into dist/<variant>/ and compiled into the library. */
export interface VariantJson {
  name: string;
  description: string;
  version: string;
  boxes: Record<SlotName, { box: string; package: string; version: string }>;
  tunables: Record<SlotName, Record<string, number | boolean | string>>;
  /** The core's tunables (CORE_TUNABLES); absent in builds older than them. */
  core?: Record<string, number | boolean | string>;
  /** The toolchain by name (CC, CXX, AR; default gcc, g++, ar), the unit's C flags (the
   * contract's, then CFLAGS) and LDFLAGS; `includes`: the include directories of the bases its
   * boxes build on, relative to the config's directory; the unit needs them after the
   * contract's own -I directories. */
  compiler: { cc: string; cxx?: string; ar?: string; cflags: string[]; ldflags?: string[]; includes?: string[] };
  files: string[];
}

/** The variant compiled into a loaded addon. */
export function variantInfo(hk: HakmemAddon): VariantJson {
  return JSON.parse(hk.variantJson()) as VariantJson;
}

const require = createRequire(import.meta.url);

/** Loads `<distDir>/hakmem.node` (e.g. dist/default). */
export function loadHakmem(distDir: string): HakmemAddon {
  const file = join(resolve(distDir), 'hakmem.node');
  if (!existsSync(file)) {
    throw new Error(`hakmem addon not found: ${file}; run \`npx hakmem build ${basename(resolve(distDir))}\` first`);
  }
  return require(file) as HakmemAddon;
}
