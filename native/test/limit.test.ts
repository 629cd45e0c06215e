// The hard limit (HAKMEM_LIMIT, tunable purge.hardLimit): past it malloc returns NULL with
// ENOMEM (after everything idle went back) and operator new throws std::bad_alloc, instead of
// the process growing until the OOM killer ends it; allocation works again after frees. A bad
// value prints one line and keeps the built-in value.
import { describe, expect, it } from 'vitest';
import { buildProgram, requireLibrary, run, runTestProgram } from './helpers.js';

const LIMIT = 64 << 20;

describe('HAKMEM_LIMIT', () => {
  it('malloc returns NULL with ENOMEM past it, for large and small blocks, and works again after frees', {
    timeout: 120_000,
  }, () => {
    const r = runTestProgram('limit.c', 'preload', { args: [String(LIMIT)], env: { HAKMEM_LIMIT: '64M' } });
    expect(r.stdout).toMatch(/^size=1048576 first=\d+ again=\d+$/m);
    expect(r.stdout).toMatch(/^size=1024 first=\d+ again=\d+$/m);
  });

  it('operator new throws std::bad_alloc past it, and works again after the deletes', { timeout: 120_000 }, () => {
    const r = runTestProgram('limit_cxx.cc', 'preload', { env: { HAKMEM_LIMIT: '64M' } });
    expect(r.stdout).toMatch(/^bad_alloc after=\d+ again=\d+$/m);
  });

  it('a bad value prints one line naming the variable and keeps the built-in value (none)', () => {
    requireLibrary();
    const bin = buildProgram('limit.c', { mode: 'plain' });
    const r = run(bin, { args: ['1'], preload: true, env: { HAKMEM_LIMIT: 'lots' } });
    expect(r.stderr).toMatch(/^hakmem: HAKMEM_LIMIT=lots is not a whole number of MiB .*; keeping 0$/m);
    expect(r.stderr).toMatch(/purge\/hard_limit says 0/); // the program then finds no limit in force
  });
});
