import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bench',
    include: ['test/**/*.test.ts'],
    // the runner test compiles and runs every benchmark under every allocator
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
