import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** The quarantine slot: when a block its owner frees may be handed out again. */
const quarantine = defineSlot(import.meta.url, {
  slot: 'quarantine',
  packageName: '@hakmem/quarantine',
  defaultBox: 'none',
  boxes: {
    none: {
      name: 'none',
      description: 'A freed block goes straight back to the thread cache: reuse at once, nothing on the free path.',
      sources: ['c/none/hk_quarantine_none.c'],
      tunables: {},
    },
    random: {
      name: 'random',
      description:
        'Each thread holds its freed blocks up to a count and a byte bound; once full, every free lets a random held block go, so a use after free cannot count on when its block is reused, and the block box checks each block as it leaves.',
      sources: ['c/random/hk_quarantine_random.c'],
      tunables: {
        blocks: {
          type: 'int',
          default: 64,
          min: 1,
          max: 4096,
          unit: 'blocks',
          description: 'Freed blocks a thread holds at most.',
        },
        bytes: {
          type: 'int',
          default: 65536,
          min: 4096,
          max: 67108864,
          unit: 'bytes',
          description: 'Bytes of freed blocks a thread holds at most (by stride).',
        },
      },
    },
  },
});
export default quarantine;

/** Blocks the calling thread holds in quarantine. */
export const quarantineHeld = (hk: HakmemAddon): number => probeNumber(hk, 'quarantine', 'held');
/** Their bytes. */
export const quarantineHeldBytes = (hk: HakmemAddon): number => probeNumber(hk, 'quarantine', 'held_bytes');
