import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** What free() of a pointer that is not a live block does; the core's policy reads it. */
const onInvalid = {
  type: 'enum',
  runtime: true,
  values: ['report', 'abort'],
  default: 'report',
  description:
    'What free() (and realloc, malloc_usable_size in a strict box) of a pointer that is not a live block (foreign, interior, double free) does: report once and ignore, or abort.',
} as const;

/** The block slot: how a slab block links while free, whether it is live, and what a bad free does. */
const block = defineSlot(import.meta.url, {
  slot: 'block',
  packageName: '@hakmem/block',
  defaultBox: 'fast',
  boxes: {
    fast: {
      name: 'fast',
      description:
        'Release encoding: plain links, and a free mark (the address under a fixed key) in word 1 of a free block, checked by one load on free. Invalid frees are reported once and ignored.',
      sources: ['c/fast/hk_block_fast.c'],
      tunables: { onInvalid },
    },
    checked: {
      name: 'checked',
      description:
        'Encoded links, checked when read (a use-after-free write into a free block is caught before the allocator follows it), and a keyed free mark; invalid frees abort with the problem and the address.',
      sources: ['c/checked/hk_block_checked.c'],
      requires: [{ slot: 'superslab', capability: 'registry' }],
      tunables: { onInvalid: { ...onInvalid, default: 'abort' } },
    },
    hardened: {
      name: 'hardened',
      description:
        "State out of the block: live and pending-free bitmaps in each chunk's room, so a write into a block can neither fake nor hide a free; links tagged with a keyed checksum and checked against the bitmaps; freed blocks up to `zeroMax` (4 KiB) cleared; an optional canary after each block; malloc_usable_size and sized frees checked. Invalid frees and every corruption found abort.",
      sources: ['c/hardened/hk_block_hardened.c'],
      requires: [{ slot: 'superslab', capability: 'registry' }],
      chunkRoom: 32768,
      tunables: {
        onInvalid: { ...onInvalid, default: 'abort' },
        zero: {
          type: 'enum',
          values: ['free', 'alloc', 'none'],
          default: 'free',
          description:
            'When a slab block is cleared: when freed (freed data cannot be read back through a stale pointer; blocks come back zeroed), when handed out, or never.',
        },
        zeroMax: {
          type: 'int',
          default: 4096,
          min: 16,
          max: 262144,
          unit: 'bytes',
          description:
            'Blocks up to this stride are cleared as `zero` says; larger ones are not (clearing a 64 KiB block on every free costs 20 times the throughput on mid_large_mt and faults in pages the program never touched).',
        },
        canary: {
          type: 'bool',
          default: true,
          description:
            "A keyed canary in each slab block's last 8 bytes (not usable), written on hand-out and checked on free: an overflow past the usable size aborts at the block's free.",
        },
      },
    },
  },
});
export default block;

/** 1 where a block's live state is kept out of the block (a write into it cannot change it). */
export const stateOutOfLine = (hk: HakmemAddon): boolean => probeNumber(hk, 'block', 'out_of_line') === 1;
