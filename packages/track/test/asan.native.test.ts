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
import { describeBoxVariant, nativeHelpers, repoRoot } from '@hakmem/test-utils';
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

    /** Runs test/c/<source> built with ASan against the variant's libhakmem.a. */
    async function runAsan(source: string) {
      const h = await nativeHelpers(`t-track-asan-${process.pid}`);
      const bin = h.buildProgram(programPath(source), {
        mode: 'static',
        cflags: ['-O0', '-fsanitize=address', `-I${join(repoRoot, 'native/include')}`],
        libs: ['-fsanitize=address'],
      });
      const r = h.run(bin, { timeoutMs: 60_000, env: { ASAN_OPTIONS: 'detect_leaks=0' } });
      return { r, text: h.describeRun(r) };
    }

    it.skipIf(!asan)(`ASan reports a use after free of a hakmem block at its line${skipNote}`, async () => {
      const { r, text } = await runAsan('asan_uaf.c');
      expect(r.stdout, text).toContain('served=1 kind=2 running=1'); // hakmem's slab block, ASan present
      expect(r.status, text).not.toBe(0);
      expect(r.stderr, text).toMatch(/ERROR: AddressSanitizer: use-after-poison/);
      expect(r.stderr, text).toContain(`asan_uaf.c:${markedLine('asan_uaf.c', 'UAF')}`);
      expect(r.stderr.match(/ERROR: AddressSanitizer/g)?.length, text).toBe(1); // the clean part raised nothing
    });

    it.skipIf(!asan)(`ASan holds a block to the size asked for: byte 100 of malloc(100)${skipNote}`, async () => {
      const { r, text } = await runAsan('asan_exact.c');
      // ends at 100, 60 and 110 across realloc in place; usable sizes the same; aligned, large
      expect(r.stdout, text).toContain('served=1 exact=1');
      expect(r.stderr, text).toMatch(/ERROR: AddressSanitizer: use-after-poison/);
      expect(r.stderr, text).toMatch(/READ of size 1/);
      expect(r.stderr, text).toContain(`asan_exact.c:${markedLine('asan_exact.c', 'PAST')}`);
      expect(r.stderr.match(/ERROR: AddressSanitizer/g)?.length, text).toBe(1);
    });
  },
  { others: { purge: 'retain' } },
);
