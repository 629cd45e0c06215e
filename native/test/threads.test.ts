// Multi-threaded correctness: cross-thread frees, thread churn (no per-thread leak),
// fork() under concurrent allocation, and shared-slot realloc stress.
import { beforeAll, describe, expect, it } from 'vitest';
import { requireLibrary, runTestProgram } from './helpers.js';

const modes = [
  ['preloaded (LD_PRELOAD)', 'preload'],
  ['linked (-lhakmem)', 'direct'],
] as const;

describe('threads', () => {
  beforeAll(() => {
    requireLibrary();
  });

  for (const [label, how] of modes) {
    it(`cross-thread frees through a shared queue, hakmem ${label} (threads.c)`, { timeout: 240_000 }, () => {
      const r = runTestProgram('threads.c', how, { args: ['8', '200000'], timeoutMs: 220_000 });
      const m = /cross_frees=(\d+)/.exec(r.stdout);
      expect(Number(m?.[1])).toBeGreaterThan(0);
    });

    it(`2000 short-lived threads keep RSS bounded, hakmem ${label} (churn.c)`, { timeout: 240_000 }, () => {
      const r = runTestProgram('churn.c', how, { args: ['2000', '4', '200'], timeoutMs: 220_000 });
      expect(r.stdout).toMatch(/threads=2000 /);
    });

    it(`fork() while 4 threads allocate leaves children a usable heap, hakmem ${label} (fork.c)`, { timeout: 240_000 }, () => {
      const r = runTestProgram('fork.c', how, { args: ['20', '20'], timeoutMs: 220_000 });
      expect(r.stdout).toMatch(/forks=20/);
    });

    it(`realloc/malloc/calloc/memalign stress against shadow copies, hakmem ${label} (realloc_stress.c)`, { timeout: 240_000 }, () => {
      const r = runTestProgram('realloc_stress.c', how, { args: ['4', '60000'], timeoutMs: 220_000 });
      expect(r.checks).toBeGreaterThan(100_000);
    });
  }
});
