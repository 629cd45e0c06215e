import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The builds in the tests' temporary projects share the repository's cache of reused objects
// (the addon's glue: 2.3 s of g++ for each of nine projects); its keys hold every input.
process.env.HAKMEM_BUILD_CACHE ??= join(import.meta.dirname, '.hakmem', 'cache');

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
