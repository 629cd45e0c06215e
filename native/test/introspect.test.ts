// glibc's introspection calls answer with hakmem's figures (native/core/hk_glibc.c, from
// hk_usage.c): a program that calls mallinfo2, mallinfo and malloc_stats under hakmem sees its
// own allocations.
import { describe, expect, it } from 'vitest';
import { runTestProgram } from './helpers.js';

describe('introspection (mallinfo2, mallinfo, malloc_info, mallopt, malloc_stats)', () => {
  for (const how of ['preload', 'direct'] as const) {
    it(`uordblks follows 100 MiB allocated and freed, hblks a large block, hakmem ${how}`, { timeout: 120_000 }, () => {
      const r = runTestProgram('introspect.c', how);
      expect(r.stdout).toMatch(
        /uordblks grew=\d+ want=\d+ left=-?\d+ arena=\d+ keepcost=\d+ trimmed_keepcost=\d+->\d+/,
      );
      expect(r.stderr).toMatch(/^hakmem \S+ variant \S+\n/m);
      for (const field of [
        'system bytes',
        'in use bytes',
        'free held bytes',
        'large blocks',
        'idle resident',
        'heaps',
      ]) {
        expect(r.stderr).toMatch(new RegExp(`^${field} +=\\s+\\d+`, 'm'));
      }
    });
  }
});
