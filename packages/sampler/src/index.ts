import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** The sampler slot: sampled heap profiles (the contract: hk_sampler.h; the output: docs/profile-format.md). */
const sampler = defineSlot(import.meta.url, {
  slot: 'sampler',
  packageName: '@hakmem/sampler',
  defaultBox: 'none',
  boxes: {
    none: {
      name: 'none',
      description:
        'No heap profile: every hook compiles to nothing, the code is that of a variant without the slot; hakmem_profile_dump fails with ENOTSUP.',
      sources: ['c/none/hk_sampler_none.c'],
      tunables: {},
    },
    poisson: {
      name: 'poisson',
      description:
        "Byte-weighted Poisson sampling (tcmalloc's and jemalloc's model): one allocation per sampleBytes on average, chosen by a per-thread countdown of bytes with exponential intervals, records its size and call stack (glibc backtrace: DWARF unwinding, correct without frame pointers); its free is recognised through a counting filter. Writes the raw profile (hakmem-profile v1) at exit to HAKMEM_PROFILE, on hakmem_profile_dump(path), and on SIGUSR1 when HAKMEM_PROFILE_SIGNAL=1.",
      sources: ['c/poisson/hk_sampler_poisson.c'],
      tunables: {
        sampleBytes: {
          type: 'int',
          runtime: true,
          default: 524288,
          min: 1,
          max: 1073741824,
          unit: 'bytes',
          description:
            'Mean sampling interval: on average one sample per this many bytes allocated (each byte is sampled with probability 1/sampleBytes).',
        },
      },
    },
  },
});
export default sampler;

/** Samples taken since start (recorded or dropped). */
export const samplerSamples = (hk: HakmemAddon): number => probeNumber(hk, 'sampler', 'samples');
/** Sampled allocations still live. */
export const samplerLive = (hk: HakmemAddon): number => probeNumber(hk, 'sampler', 'live');
/** Distinct call stacks recorded. */
export const samplerStacks = (hk: HakmemAddon): number => probeNumber(hk, 'sampler', 'stacks');
/** Samples not (fully) recorded because a table was full. */
export const samplerDropped = (hk: HakmemAddon): number => probeNumber(hk, 'sampler', 'dropped');
/** The mean sampling interval in bytes (0 under `none`). */
export const samplerSampleBytes = (hk: HakmemAddon): number => probeNumber(hk, 'sampler', 'sample_bytes');
