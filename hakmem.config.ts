import { defineConfig } from '@hakmem/compose';
import freegate from '@hakmem/freegate';
import front from '@hakmem/front';
import large from '@hakmem/large';
import refill from '@hakmem/refill';
import sharedpool from '@hakmem/sharedpool';
import stats from '@hakmem/stats';
import superslab from '@hakmem/superslab';

// Variants of hakmem: one box per slot, plus tunables. `pnpm build:variant <name>`
// builds dist/<name>/. Swapping a box is a one-line change below.
export default defineConfig({
  slots: { front, refill, superslab, sharedpool, freegate, large, stats },
  variants: {
    default: {
      description:
        'The fastest: thread caches with batch refill, lazy 2 MiB chunks, a lock-free shared pool, cached large mappings, no stats.',
      boxes: {
        front: 'tcache',
        refill: 'batch',
        superslab: 'lazy',
        sharedpool: 'lockfree',
        freegate: 'fast',
        large: 'bigcache',
        stats: 'off',
      },
      tunables: {
        front: { maxBlocks: 256 },
      },
    },
    secure: {
      description:
        'Hardened: the checked free gate encodes every free-list link with a secret key and aborts on a double, interior or foreign free, naming the address.',
      boxes: {
        front: 'tcache',
        refill: 'batch',
        superslab: 'lazy',
        sharedpool: 'lockfree',
        freegate: 'checked',
        large: 'bigcache',
        stats: 'off',
      },
    },
    debug: {
      description:
        'For finding bugs and profiling: the checked free gate plus per-class counters and cycle profiles (HAKMEM_STATS=1 prints them at exit).',
      boxes: {
        front: 'tcache',
        refill: 'batch',
        superslab: 'lazy',
        sharedpool: 'lockfree',
        freegate: 'checked',
        large: 'bigcache',
        stats: 'profile',
      },
    },
    lean: {
      description:
        'Lowest RSS: small per-thread caches and batches, no spare slabs, empty slabs returned to the OS at once, large blocks unmapped on free.',
      boxes: {
        front: 'tcache',
        refill: 'batch',
        superslab: 'lazy',
        sharedpool: 'lockfree',
        freegate: 'fast',
        large: 'direct',
        stats: 'off',
      },
      tunables: {
        front: { maxBlocks: 32, maxBytes: 16384 },
        refill: { batchBlocks: 16, batchBytes: 8192, keepSpare: false },
        sharedpool: { retainSlabs: 0 },
      },
    },
    hugepage: {
      description:
        'For large, long-lived heaps: chunks on transparent huge pages, populated when mapped (no page faults later), with a deeper large-mapping cache.',
      boxes: {
        front: 'tcache',
        refill: 'batch',
        superslab: 'thp',
        sharedpool: 'lockfree',
        freegate: 'fast',
        large: 'bigcache',
        stats: 'off',
      },
      tunables: {
        superslab: { populate: true, reserveChunks: 4 },
        sharedpool: { retainSlabs: 1024 },
        large: { cacheEntries: 64, cacheBytes: 268435456 },
      },
    },
  },
});
