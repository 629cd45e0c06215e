// The malloc family's contract (native/test/c/api.c), with hakmem preloaded and linked.
import { beforeAll, describe, expect, it } from 'vitest';
import { API_CHECKS, buildProgram, inBoxCover, requireLibrary, run, runTestProgram } from './helpers.js';

describe('malloc API contract (api.c)', () => {
  beforeAll(() => {
    requireLibrary();
  });

  it('passes with hakmem preloaded (LD_PRELOAD)', { timeout: 180_000 }, () => {
    const r = runTestProgram('api.c', 'preload');
    expect(r.checks).toBeGreaterThan(API_CHECKS);
  });

  // Linked, on the box cover's variants (helpers.ts inBoxCover): the same library as preloaded,
  // found by the dynamic linker instead, which no tunable changes.
  if (inBoxCover)
    it('passes with hakmem linked (-lhakmem)', { timeout: 180_000 }, () => {
      const r = runTestProgram('api.c', 'direct');
      expect(r.checks).toBeGreaterThan(API_CHECKS);
    });

  it('refuses to pass when hakmem is not loaded (the served-by check is not vacuous)', { timeout: 120_000 }, () => {
    const bin = buildProgram('api.c', { mode: 'plain' });
    const r = run(bin, { env: { HK_TEST_ALLOW_GLIBC: undefined, LD_PRELOAD: undefined } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not served by hakmem');
    expect(r.stdout).not.toMatch(/^ok \d+ checks$/m);
  });
});
