// sampler/none (the default variant): hakmem_profile_dump fails with ENOTSUP and writes nothing.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHakmem } from '@hakmem/native';
import { describe, expect, it } from 'vitest';
import { nativeHelpers } from '@hakmem/test-utils';
import { programPath } from './profile.js';

describe('sampler/none in the default variant', () => {
  it('hakmem_profile_dump returns -1 (ENOTSUP) and writes nothing; HAKMEM_PROFILE writes nothing', async () => {
    const h = await nativeHelpers('default');
    const dir = mkdtempSync(join(tmpdir(), 'hk-sampler-none-'));
    try {
      const bin = h.buildProgram(programPath('sites.c'), {
        mode: 'plain',
        cflags: ['-O0', '-no-pie'],
        tag: 'sampler-sites',
      });
      const out = join(dir, 'api.prof');
      const r = h.run(bin, {
        args: [out],
        preload: true,
        report: true,
        env: { HAKMEM_PROFILE: join(dir, 'raw.prof') },
      });
      expect(r.status, h.describeRun(r)).toBe(0);
      h.expectServedByHakmem(r);
      expect(r.stdout).toContain('dump -1 Operation not supported');
      expect(existsSync(out)).toBe(false);
      expect(existsSync(join(dir, 'raw.prof'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the addon's profileDump() throws ENOTSUP", async () => {
    const h = await nativeHelpers('default');
    const hk = loadHakmem(h.distDir);
    expect(() => hk.profileDump(join(tmpdir(), `hk-none-${process.pid}.prof`))).toThrow(/not supported/);
    expect(existsSync(join(tmpdir(), `hk-none-${process.pid}.prof`))).toBe(false);
  });
});
