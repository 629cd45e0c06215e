// C++ operator new/delete (plain, sized, aligned, nothrow) and STL workloads (native/test/c/cxx.cc).
import { beforeAll, describe, expect, it } from 'vitest';
import { inBoxCover, requireLibrary, runTestProgram } from './helpers.js';

describe('C++ operators (cxx.cc)', () => {
  beforeAll(() => {
    requireLibrary();
  });

  it('passes with hakmem preloaded (LD_PRELOAD)', { timeout: 180_000 }, () => {
    const r = runTestProgram('cxx.cc', 'preload');
    expect(r.checks).toBeGreaterThan(10_000);
  });

  // Linked, on the box cover's variants only, as api.test.ts.
  if (inBoxCover)
    it('passes with hakmem linked (-lhakmem)', { timeout: 180_000 }, () => {
      const r = runTestProgram('cxx.cc', 'direct');
      expect(r.checks).toBeGreaterThan(10_000);
    });
});
