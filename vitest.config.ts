import { defineConfig } from 'vitest/config';

// Each project (native, packages/*, test/*) has its own vitest.config.ts with its
// name, timeouts and pool; C tests spawn compilers and programs, so they are slow.
// packages/test-utils holds no tests: it is what the others share.
export default defineConfig({
  test: {
    projects: ['native', 'packages/*', '!packages/test-utils', 'test/*/vitest.config.ts'],
  },
});
