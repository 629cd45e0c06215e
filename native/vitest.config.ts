import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'native',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One worker process runs many files of a project (a project's own: its variant is in its
    // env): the matrix has ~150 files here, and a fresh process each cost ~0.35 CPU-s of start-up
    // and imports. The files share no state: none sets process.env, mocks or changes directory.
    isolate: false,
  },
});
