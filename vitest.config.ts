import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Each project (native, packages/*, test/*) has its own vitest.config.ts with its
// name, timeouts and pool; C tests spawn compilers and programs, so they are slow.
// packages/test-utils holds no tests: it is what the others share.
export default defineConfig({
  test: {
    // Every core: most files wait on the compilers and programs they spawn, and vitest's
    // default (cores - 1) is one worker on a 2-core machine.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: ['native', 'packages/*', '!packages/test-utils', 'test/*/vitest.config.ts'],
  },
});
