/**
 * The slot list: the one place a slot is declared. Everything else that names the slots is
 * derived from it — the order of the generated unit, the slot headers it includes, the core's
 * calls into the slots at start-up, thread start and exit and fork (generated `hk_slots_*`
 * functions), the probe table of `hakmem_probe`, the addon's probe types, the slot table of
 * docs/contract.md, and the package a config gets for a slot it does not name.
 *
 * Adding a slot: its package (`packages/<name>`, with `defineSlot`), its header
 * (`native/include/hakmem/hk_<name>.h`, declaring every hook listed here and
 * `hk_<name>_probe`) and one entry below.
 */

/** When the core calls a slot. Hook `h` is `static void hk_<slot>_<snake(h)>(void)`, declared in the slot's header. */
export const SLOT_HOOKS = {
  init: 'process start-up, in slot order, before any allocation returns; must not allocate',
  threadInit: "a thread's first allocation, once the thread has its heap (slot order)",
  threadExit: "thread exit, after the thread's cache went back to its heap (reverse slot order)",
  forkPrepare: 'fork, before the core takes its locks: locks ordered before hk_heaps_lock (slot order)',
  lockAll: "fork, once the core holds every heap's lock: locks taken under a heap's lock (slot order)",
  unlockAll: 'fork, in the parent, before the core releases its locks (reverse slot order)',
  forkParent: 'fork, in the parent, after the core released its locks (reverse slot order)',
  resetLocks: 'fork, in the child, before the core resets its locks (slot order)',
  forkChild: "fork, in the child, after the core made every other thread's heap an orphan (slot order)",
} as const;

export type SlotHook = keyof typeof SLOT_HOOKS;

/** The order in which the core runs the hooks of one event, each over every slot that has it. */
export const HOOK_ORDER: readonly SlotHook[] = Object.keys(SLOT_HOOKS) as SlotHook[];

/** Hooks run over the slots in reverse order (teardown mirrors set-up). */
export const REVERSE_HOOKS: ReadonlySet<SlotHook> = new Set<SlotHook>(['threadExit', 'unlockAll', 'forkParent']);

/** One slot. */
export interface SlotDecl {
  readonly name: string;
  /** One line: what the slot decides. */
  readonly summary: string;
  /** The hooks its header declares and the core calls. */
  readonly hooks: readonly SlotHook[];
  /** Those of `hooks` a box may leave out, where doing nothing is a valid answer: the composer
   * defines each one a box's sources do not define as empty (packages/compose/src/generate.ts). */
  readonly optional?: readonly SlotHook[];
  /** The names `hk_<slot>_probe` answers (tests and tools read them through `hakmem_probe`). */
  readonly probes: readonly string[];
}

/** The slots, in the order the generated unit includes them: a slot may use the slots before it. */
export const SLOTS = [
  {
    name: 'track',
    summary: 'what the allocator tells a memory checker (Valgrind, ASan) about its blocks',
    hooks: [],
    probes: ['kind', 'running'],
  },
  {
    name: 'sampler',
    summary: 'sampled heap profiles: which allocations are sampled, their stacks, the raw profile',
    hooks: ['init', 'lockAll', 'unlockAll', 'resetLocks'],
    optional: ['init', 'lockAll', 'unlockAll', 'resetLocks'],
    probes: ['samples', 'live', 'stacks', 'dropped', 'sample_bytes'],
  },
  {
    name: 'stats',
    summary: "counters and cycle profiles of the allocator's paths",
    hooks: ['init', 'threadExit'],
    optional: ['init', 'threadExit'],
    probes: ['enabled', 'profiled', 'count', 'cycles'],
  },
  {
    name: 'purge',
    summary: 'when idle memory goes back to the OS',
    hooks: ['init', 'forkPrepare', 'forkParent', 'forkChild'],
    optional: ['forkPrepare', 'forkParent', 'forkChild'],
    probes: [
      'delay_ms',
      'passes',
      'released',
      'thread',
      'wakeups',
      'soft_limit',
      'limit_passes',
      'cgroup_limit_of',
      'hard_limit',
      'hard_refusals',
    ],
  },
  {
    name: 'superslab',
    summary: '2 MiB chunks from the OS and the registry of what is ours',
    hooks: ['init'],
    probes: ['chunk_of', 'chunks', 'unmapped', 'slab_class', 'prepared'],
  },
  {
    name: 'sharedpool',
    summary: 'the process-wide pool of empty slabs and chunks',
    hooks: ['init', 'lockAll', 'unlockAll', 'resetLocks'],
    optional: ['init', 'lockAll', 'unlockAll', 'resetLocks'],
    probes: ['empty_slabs', 'empty_chunks', 'resident_slabs'],
  },
  {
    name: 'block',
    summary: 'what a slab block holds and says: its links while free, its live/free state, what a bad free does',
    hooks: ['init'],
    optional: ['init'],
    probes: ['out_of_line', 'live_bit'],
  },
  {
    name: 'quarantine',
    summary: 'when a block its owner frees may be handed out again: at once, or after a random stay',
    hooks: ['threadInit'],
    optional: ['threadInit'],
    probes: ['held', 'held_bytes'],
  },
  {
    name: 'front',
    summary: 'the per-thread cache of free blocks: the hot path',
    hooks: ['threadInit', 'threadExit'],
    probes: ['count', 'capacity'],
  },
  {
    name: 'refill',
    summary: "how many blocks move between the front and the heap's slabs",
    hooks: [],
    probes: ['batch'],
  },
  {
    name: 'remote',
    summary: 'how a block freed by another thread goes back to the heap that owns it',
    hooks: ['init', 'threadExit'],
    optional: ['init', 'threadExit'],
    probes: ['held', 'batch', 'lanes'],
  },
  {
    name: 'large',
    summary: 'blocks above the slab classes, as their own mappings',
    hooks: ['init', 'lockAll', 'unlockAll', 'resetLocks'],
    probes: ['cached', 'cached_bytes'],
  },
] as const satisfies readonly SlotDecl[];

/** The core's own tunables (`tunables.core` of a variant; `HK_CFG_CORE_<NAME>` in C). */
export const CORE_TUNABLES = {
  asserts: {
    type: 'bool',
    default: false,
    description:
      'Internal assertions on slab and heap invariants (HK_ASSERT, hk_base.h): checked on slow paths and aborting with the file and line when one fails. Off, they compile to nothing.',
  },
} as const;

/** The core's own probes (native/core/hk_api.c). */
export const CORE_PROBES = [
  'class_of',
  'class_size',
  'class_stride',
  'classes',
  'heaps_check',
  'fork_handlers',
  'asserts',
  'classify',
  'invalid_frees',
  'block_tail',
] as const;

/** One of the allocator's slots. */
export type SlotName = (typeof SLOTS)[number]['name'];

/** The slots, in the fixed order the generated unit includes them (docs/contract.md). */
export const SLOT_ORDER: readonly SlotName[] = SLOTS.map((s) => s.name);

export function isSlotName(x: unknown): x is SlotName {
  return typeof x === 'string' && (SLOT_ORDER as readonly string[]).includes(x);
}

/** The declaration of a slot. */
export const slotDecl = (slot: SlotName): SlotDecl => SLOTS.find((s) => s.name === slot)!;

/** The npm package that serves a slot a config does not name. */
export const defaultSlotPackage = (slot: SlotName): string => `@hakmem/${slot}`;

/** camelCase -> snake_case: threadInit -> thread_init. */
export const hookSuffix = (hook: SlotHook): string => hook.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The probe names, per slot ('core' for the core): what `probe()` type-checks. */
export type ProbeNames = { core: (typeof CORE_PROBES)[number] } & {
  [S in SlotName]: Extract<(typeof SLOTS)[number], { name: S }>['probes'][number];
};
