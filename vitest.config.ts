import { defineConfig } from 'vitest/config';

// Each project (native, packages/*, test/*) has its own vitest.config.ts with its
// name, timeouts and pool; C tests spawn compilers and programs, so they are slow.
export default defineConfig({
  test: {
    projects: ['native', 'packages/*', 'test/*/vitest.config.ts'],
  },
});
