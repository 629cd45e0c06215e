import { defineConfig } from '@hakmem/compose';
import block from '@hakmem/block';
import front from '@hakmem/front';
import large from '@hakmem/large';
import purge from '@hakmem/purge';
import refill from '@hakmem/refill';
import sharedpool from '@hakmem/sharedpool';
import stats from '@hakmem/stats';
import superslab from '@hakmem/superslab';

// Variants of hakmem: one box per slot, plus tunables. `pnpm build:variant <name>`
// builds dist/<name>/. Swapping a box is a one-line change below. A slot not named here
// (remote, track, sampler) gets its package's default box (remote/batched, track/none,
// sampler/none) from its package.

/** The boxes of the default (fastest) variant; the others say what they change. */
const fastest = {
  front: 'tcache',
  refill: 'batch',
  superslab: 'chunks',
  sharedpool: 'lockfree',
  block: 'fast',
  large: 'bigcache',
  stats: 'off',
  purge: 'background',
} as const;

export default defineConfig({
  slots: { front, refill, superslab, sharedpool, block, large, stats, purge },
  variants: {
    default: {
      description:
        'The fastest: thread caches with batch refill, lazy 2 MiB chunks, a lock-free shared pool, cached large mappings, idle memory back to the OS after a delay (by a thread of its own once memory rests, so an idle program shrinks too), no stats.',
      boxes: fastest,
      tunables: {
        front: { maxBlocks: 256 },
      },
    },
    secure: {
      description:
        'Hardened: block state out of the block (a write into a block cannot fake or hide a free), keyed and checked links, freed blocks up to 4 KiB cleared, a canary after each block, refills shuffled, a front that keeps no link in cached blocks; large blocks end at a guard page, their records are checksummed and a reused mapping is cleared. Every invalid free or corruption aborts, naming the address.',
      boxes: { ...fastest, block: 'hardened', front: 'magazine' },
      tunables: { refill: { shuffle: true }, large: { guard: true, scrub: true } },
    },
    paranoid: {
      description:
        'secure plus a random quarantine: each thread holds its last freed blocks (64 blocks, 64 KiB) and lets a random one go per free, checking it was not written since; a use after free then lands in memory nobody uses and is caught when the block leaves. Costs about 1.8 times the instructions of secure per malloc and free pair.',
      extends: 'secure',
      boxes: { quarantine: 'random' },
    },
    debug: {
      description:
        'For finding bugs and profiling: the checked block encoding, internal assertions on slab and heap invariants, per-class counters and cycle profiles (HAKMEM_STATS=1 prints them at exit).',
      boxes: { ...fastest, block: 'checked', stats: 'profile' },
      tunables: { core: { asserts: true } },
    },
    lean: {
      description:
        'Lowest RSS: small per-thread caches and batches (cross-thread frees too), no spare slabs, empty slabs returned to the OS at once, large blocks unmapped on free.',
      boxes: { ...fastest, large: 'direct', purge: 'eager' },
      tunables: {
        front: { maxBlocks: 32, maxBytes: 16384 },
        refill: { batchBlocks: 16, batchBytes: 8192, keepSpare: false },
        purge: { keepSlabs: 0 },
        remote: { batchBytes: 16384 },
      },
    },
    hugepage: {
      description:
        'For large, long-lived heaps: chunks on transparent huge pages, populated when mapped (no page faults later), with a deeper large-mapping cache; idle memory stays until malloc_trim.',
      boxes: { ...fastest, purge: 'retain' },
      tunables: {
        superslab: { prepare: 'huge_populate', reserveChunks: 4 },
        large: { cacheEntries: 64, cacheBytes: 268435456 },
      },
    },
    valgrind: {
      description:
        'For memcheck: the default boxes telling Valgrind about every block (track/valgrind), so `valgrind --soname-synonyms=somalloc=nouserintercepts` on a program preloaded with it reports leaks, uses after free and invalid reads of hakmem blocks. purge/decay: no purge thread, whose TLS memcheck would report as possibly lost at exit.',
      boxes: { ...fastest, track: 'valgrind', purge: 'decay' },
    },
    asan: {
      description:
        'For AddressSanitizer: the default boxes poisoning free and never-used memory (track/asan), for programs built with -fsanitize=address and linked with libhakmem.a, so ASan reports a use after free of a hakmem block (use-after-poison). purge/retain: ASan calls malloc before its interceptors work, and decay reads the clock at start-up through one.',
      boxes: { ...fastest, track: 'asan', purge: 'retain' },
    },
    profiling: {
      description:
        'For heap profiles: the default boxes with byte-weighted Poisson sampling (sampler/poisson, one sample per 512 KiB allocated on average, HAKMEM_SAMPLER_SAMPLE_BYTES to change it): HAKMEM_PROFILE=<file> writes the live and cumulative sampled allocations with their call stacks at exit, for `hakmem profile`.',
      boxes: { ...fastest, sampler: 'poisson' },
    },
    'python-records': {
      description:
        'Tuned by `hakmem tune --goal memory` on 2026-11-29 for `/root/.pyenv/versions/3.11.7/bin/python3 docs/tune/records.py`: wall 1.27 s vs 1.23 s (+3.6%), peak RSS 119.7 MiB vs 129.2 MiB (-7.3%) against default (medians of 10 and 10 interleaved runs; rank test over the 5 confirmation runs, p = 0.004).',
      extends: 'default',
      tunables: {
        purge: { delayMs: 5 },
      },
    },
  },
});
