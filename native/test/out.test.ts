// hk_out_t (native/base/hk_out.h), the one writer of every message and report, on its own:
// native/test/c/out.c checks each conversion against the C library's snprintf, the buffer
// sink's snprintf contract, long text, columns, a descriptor and a caller's sink. It compiles
// against native/base alone, as a box would (no native/core on its include path).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram, repoRoot, run } from './helpers.js';

describe('hk_out_t, the writer of messages and reports', () => {
  it("writes what printf writes, keeps snprintf's contract and sinks every byte", { timeout: 120_000 }, () => {
    // the writer's headers are not among buildProgram's dependencies: their text names the binary
    const base = join(repoRoot, 'native/base');
    const hash = createHash('sha256');
    for (const h of ['hk_out.h', 'hk_base.h']) hash.update(readFileSync(join(base, h)));
    const bin = buildProgram('out.c', {
      mode: 'plain',
      tag: `out-${hash.digest('hex').slice(0, 12)}`,
      cflags: [`-I${base}`, '-Wno-unused-function', '-Wno-format-truncation'],
    });
    const r = run(bin);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ok 3\d checks$/m);
  });
});
