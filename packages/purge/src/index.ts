import { defineBase, defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** The soft limit every box honours (the limits base). */
const limitRule = {
  hardLimit: {
    type: 'int',
    default: 0,
    min: 0,
    max: 1048576,
    unit: 'MiB',
    runtime: true,
    env: 'HAKMEM_LIMIT',
    description:
      'Past this much mapped, even after everything idle went back, malloc returns NULL with ENOMEM instead of mapping more (0: none).',
  },
  softLimit: {
    type: 'int',
    default: 0,
    min: 0,
    max: 1048576,
    unit: 'MiB',
    runtime: true,
    env: 'HAKMEM_SOFT_LIMIT',
    description:
      'Past this much mapped, everything idle goes back before mapping more (0: none; cgroup v2 memory.high and memory.max lower it).',
  },
} as const;

/** The time rule decay and background share: how long memory rests, how much may rest resident. */
const timeRule = {
  delayMs: {
    type: 'int',
    default: 500,
    min: 0,
    max: 3600000,
    unit: 'ms',
    runtime: true,
    description: 'How long memory rests before it goes back to the OS.',
  },
  maxSlabs: {
    type: 'int',
    default: 4096,
    min: 0,
    max: 1048576,
    unit: 'slabs',
    runtime: true,
    description: 'Most resting 64 KiB slabs kept resident (a chunk counts as 32); past it, pages go back at once.',
  },
  ...limitRule,
} as const;

/**
 * The base every purge box here builds on, published for boxes of other packages: runtime
 * options and the soft limit. The contract is c/common/hk_purge_limits.h.
 */
export const limits = defineBase(import.meta.url, {
  name: 'limits',
  packageName: '@hakmem/purge',
  include: 'c/common',
  header: 'hk_purge_limits.h',
  sources: ['c/common/hk_purge_limit.c'],
  tunables: limitRule,
});

/**
 * The limits base plus the time rule (passes of what rested longer than delayMs), which decay
 * and background share; they differ in who runs the passes. The contract is
 * c/common/hk_purge_passes.h.
 */
export const passes = defineBase(import.meta.url, {
  name: 'passes',
  packageName: '@hakmem/purge',
  include: 'c/common',
  header: 'hk_purge_passes.h',
  sources: [...limits.sources, 'c/common/hk_purge_pass.c'],
  tunables: timeRule,
});

/** The purge slot: when idle memory (the pool's resting slabs and chunks, the large cache) goes back to the OS. */
const purge = defineSlot(import.meta.url, {
  slot: 'purge',
  packageName: '@hakmem/purge',
  defaultBox: 'background',
  boxes: {
    decay: {
      name: 'decay',
      description:
        'What has rested longer than delayMs goes back to the OS, oldest first, in passes amortised on slow paths with a rate-limited clock; up to maxSlabs resting slabs stay resident until then.',
      base: passes,
      sources: ['c/decay/hk_purge_decay.c'],
      tunables: timeRule,
    },
    background: {
      name: 'background',
      description:
        "decay's time rule with the passes run by hakmem's own thread every delayMs/4 (at least 10 ms), started once 2 MiB has rested (never in a process that frees little) and asleep on a futex while nothing waits to go back: RSS falls while the program is idle, with no wake-ups once it has. Fork-safe.",
      base: passes,
      sources: ['c/background/hk_purge_background.c'],
      tunables: timeRule,
    },
    eager: {
      name: 'eager',
      description:
        'No clock: what comes to rest past keepSlabs resident slabs gives its pages back at once (the lowest RSS; an madvise and page faults per slab that empties).',
      base: limits,
      sources: ['c/eager/hk_purge_eager.c'],
      tunables: {
        keepSlabs: {
          type: 'int',
          default: 0,
          min: 0,
          max: 1048576,
          unit: 'slabs',
          runtime: true,
          description: 'Resting 64 KiB slabs kept resident (a chunk counts as 32); past it, pages go back at once.',
        },
        ...limitRule,
      },
    },
    retain: {
      name: 'retain',
      description: 'Nothing goes back on its own: resting memory stays resident until malloc_trim (or hakmem_trim).',
      base: limits,
      sources: ['c/retain/hk_purge_retain.c'],
      tunables: limitRule,
    },
  },
});
export default purge;

/** The delay in force (ms; -1: never, 0 for eager). */
export const purgeDelayMs = (hk: HakmemAddon): number => probeNumber(hk, 'purge', 'delay_ms');
/** Purge passes run so far. */
export const purgePasses = (hk: HakmemAddon): number => probeNumber(hk, 'purge', 'passes');
/** Bytes given back by purge passes so far. */
export const purgeReleased = (hk: HakmemAddon): number => probeNumber(hk, 'purge', 'released');
/** Whether purge/background's thread is running (0 for every other box). */
export const purgeThread = (hk: HakmemAddon): number => probeNumber(hk, 'purge', 'thread');
/** purge/background's wake-ups so far, timed or woken (it sleeps while nothing waits to go back). */
export const purgeWakeups = (hk: HakmemAddon): number => probeNumber(hk, 'purge', 'wakeups');
/** The soft limit in force (bytes; 0: none): softLimit, HAKMEM_SOFT_LIMIT, cgroup v2 memory.high / memory.max. */
export const purgeSoftLimit = (hk: HakmemAddon): number => probeNumber(hk, 'purge', 'soft_limit');
/** Passes run because a mapping would pass the soft limit. */
export const purgeLimitPasses = (hk: HakmemAddon): number => probeNumber(hk, 'purge', 'limit_passes');
