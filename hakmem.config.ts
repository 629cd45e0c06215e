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
  },
});
