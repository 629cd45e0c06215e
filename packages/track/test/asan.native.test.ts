// track/asan: an ASan-instrumented program linked with the variant's libhakmem.a is served by
// hakmem (the executable's malloc wins over ASan's), and its read of a freed hakmem block is
// reported as use-after-poison at its line. The variant keeps purge/retain: ASan calls malloc
// while it starts, before its interceptors work, and decay's start-up reads the clock through
// an intercepted libc call. Skipped when gcc cannot link -fsanitize=address (no libasan).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeBoxVariant, nativeHelpers, repoRoot } from '../../compose/test/helpers.js';
import { trackKind, trackRunning } from '../src/index.js';
import { markedLine, programPath } from './helpers.js';

function canLinkAsan(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-asan-'));
  try {
    writeFileSync(join(dir, 'a.c'), 'int main(void) { return 0; }\n');
    execFileSync('gcc', ['-fsanitize=address', join(dir, 'a.c'), '-o', join(dir, 'a')], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const asan = canLinkAsan();
const skipNote = asan ? '' : ' (skipped: gcc cannot link -fsanitize=address; install libasan)';

describeBoxVariant(
  'track',
  'asan',
  (hk) => {
    it('answers its probes: kind 2, no ASan in this process', () => {
      expect(trackKind(hk())).toBe(2);
      expect(trackRunning(hk())).toBe(false);
    });

    it.skipIf(!asan)(`ASan reports a use after free of a hakmem block at its line${skipNote}`, async () => {
      const h = await nativeHelpers(`t-track-asan-${process.pid}`);
      const bin = h.buildProgram(programPath('asan_uaf.c'), {
        mode: 'static',
        cflags: ['-O0', '-fsanitize=address', `-I${join(repoRoot, 'native/include')}`],
        libs: ['-fsanitize=address'],
      });
      const r = h.run(bin, { timeoutMs: 60_000, env: { ASAN_OPTIONS: 'detect_leaks=0' } });
      const text = h.describeRun(r);
      expect(r.stdout, text).toContain('served=1 kind=2 running=1'); // hakmem's slab block, ASan present
      expect(r.status, text).not.toBe(0);
      expect(r.stderr, text).toMatch(/ERROR: AddressSanitizer: use-after-poison/);
      expect(r.stderr, text).toContain(`asan_uaf.c:${markedLine('asan_uaf.c', 'UAF')}`);
      expect(r.stderr.match(/ERROR: AddressSanitizer/g)?.length, text).toBe(1); // the clean part raised nothing
    });
  },
  { others: { purge: 'retain' } },
);
