import { defineBase, defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/**
 * The base both remote boxes build on, published for boxes of other packages: a heap's channel
 * (a lock-free stack of blocks) with its push and collect. A box decides how blocks travel to
 * it; the contract is c/common/hk_remote_channel.h.
 */
export const channel = defineBase(import.meta.url, {
  name: 'channel',
  packageName: '@hakmem/remote',
  include: 'c/common',
  header: 'hk_remote_channel.h',
  sources: ['c/common/hk_remote_channel.c'],
  tunables: {},
});

/** The remote slot: how a block freed by another thread goes back to the heap that owns it. */
const remote = defineSlot(import.meta.url, {
  slot: 'remote',
  packageName: '@hakmem/remote',
  defaultBox: 'batched',
  boxes: {
    direct: {
      name: 'direct',
      description:
        "One CAS per cross-thread free onto the owning heap's channel: the block is with its owner at once and nothing is held.",
      base: channel,
      sources: ['c/direct/hk_remote_direct.c'],
      tunables: {},
    },
    batched: {
      name: 'batched',
      description:
        "Blocks freed for other heaps gather in per-thread buckets, one destination each, and go over a bucket at a time with one CAS per lane of the channel, all on one cache line: when it fills, on the thread's next malloc miss, at thread exit and on malloc_trim.",
      base: channel,
      sources: ['c/batched/hk_remote_batched.c'],
      tunables: {
        buckets: {
          type: 'int',
          default: 8,
          min: 1,
          max: 64,
          unit: 'heaps',
          description: 'Destinations a thread gathers for at once (a direct-mapped cache of heaps).',
        },
        batchBlocks: {
          type: 'int',
          runtime: true,
          default: 64,
          min: 1,
          max: 4096,
          unit: 'blocks',
          description: 'A bucket goes to its owner when it holds this many blocks.',
        },
        batchBytes: {
          type: 'int',
          runtime: true,
          default: 65536,
          min: 64,
          max: 16777216,
          unit: 'bytes',
          description:
            'A bucket goes to its owner when it holds this many bytes: a thread holds at most buckets x batchBytes.',
        },
      },
    },
  },
});
export default remote;

/** Blocks the calling thread holds for other heaps (always 0 for direct). */
export const remoteHeld = (hk: HakmemAddon): number => probeNumber(hk, 'remote', 'held');
/** Blocks per hand-over at most (1 for direct). */
export const remoteBatch = (hk: HakmemAddon): number => probeNumber(hk, 'remote', 'batch');
/** Stacks in a heap's channel (HK_REMOTE_LANES): a batch goes over with one CAS per lane. */
export const remoteLanes = (hk: HakmemAddon): number => probeNumber(hk, 'remote', 'lanes');
