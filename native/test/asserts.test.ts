// Internal assertions on slab and heap invariants: compiled in where the variant's tunable
// core.asserts asks (the debug variant), nothing elsewhere. A failed one aborts with the
// expression and where it is; the release variants' hit paths do not change (the instruction
// counts of the bench hold that).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram, describeRun, distDir, requireLibrary, run, runTestProgram } from './helpers.js';

const assertsOn = (): boolean => {
  const json = JSON.parse(readFileSync(join(distDir, 'variant.json'), 'utf8')) as { core?: { asserts?: boolean } };
  return json.core?.asserts === true;
};

describe('internal assertions (core.asserts)', () => {
  it('the probe says whether they are compiled in, as variant.json does, and a workload keeps every invariant', () => {
    requireLibrary();
    const r = runTestProgram('asserts.c', 'preload');
    expect(r.stdout).toContain(`asserts=${assertsOn() ? 1 : 0}\n`);
  });

  it('a failed assertion aborts with the expression, file and line; without them nothing is checked', () => {
    requireLibrary();
    const bin = buildProgram('asserts.c', { mode: 'plain' });
    const r = run(bin, { args: ['fail'], preload: true, timeoutMs: 60_000 });
    if (assertsOn()) {
      expect(r.signal, describeRun(r)).toBe('SIGABRT');
      expect(r.stderr).toMatch(/^hakmem: internal assertion failed: arg != 1 at \S*hk_api\.c:\d+$/m);
      expect(r.stdout).not.toContain('returned');
    } else {
      expect(r.status, describeRun(r)).toBe(0);
      expect(r.stdout).toContain('returned\n');
    }
  });
});
