// track/valgrind: memcheck, run on programs that use hakmem (preloaded, memcheck's own malloc
// kept out by --soname-synonyms=somalloc=nouserintercepts), reports a leak and a use after
// free of hakmem blocks at the program's lines, and nothing at all for a correct program: the
// allocator's own accesses to free blocks are opened for it. Skipped without valgrind.
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { describeBoxVariant, nativeHelpers } from '@hakmem/test-utils';
import { trackKind, trackRunning } from '../src/index.js';
import { markedLine, programPath } from './helpers.js';

function hasValgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const valgrind = hasValgrind();
const skipNote = valgrind ? '' : ' (skipped: valgrind is not installed; apt-get install valgrind)';

/** The memcheck report lines that follow the first line matching `head` (its stack). */
function stackAfter(report: string, head: RegExp): string {
  const lines = report.split('\n');
  const i = lines.findIndex((l) => head.test(l));
  return i < 0 ? '' : lines.slice(i, i + 8).join('\n');
}

async function memcheck(variant: string, source: string) {
  const h = await nativeHelpers(variant);
  const bin = h.buildProgram(programPath(source), { mode: 'plain', cflags: ['-O0'], tag: 'track-vg' });
  const args = ['--soname-synonyms=somalloc=nouserintercepts', '--leak-check=full', '--error-exitcode=99', bin];
  const r = h.run('valgrind', { args, preload: true, report: true, timeoutMs: 60_000 });
  h.expectServedByHakmem(r); // hakmem's malloc ran, not memcheck's
  return { r, text: h.describeRun(r) };
}

describeBoxVariant('track', 'valgrind', (hk) => {
  it('answers its probes: kind 1, not running on valgrind here', () => {
    expect(trackKind(hk())).toBe(1);
    expect(trackRunning(hk())).toBe(false);
  });

  it.skipIf(!valgrind)(`memcheck reports the leak and the use after free at their lines${skipNote}`, async () => {
    const { r, text } = await memcheck(`t-track-valgrind-${process.pid}`, 'leaky.c');
    expect(r.status, text).toBe(99); // memcheck found errors
    const leak = stackAfter(r.stderr, /are definitely lost in loss record/);
    expect(leak, text).toMatch(/^==\d+== 72 bytes in 1 blocks are definitely lost/); // the size asked for
    expect(leak, text).toContain(`make_leak (leaky.c:${markedLine('leaky.c', 'LEAK')})`);
    const uaf = stackAfter(r.stderr, /Invalid read of size 4/);
    expect(uaf, text).toContain(`read_after_free (leaky.c:${markedLine('leaky.c', 'UAF')})`);
    expect(uaf, text).toMatch(/Address 0x[0-9a-fA-F]+ is 12 bytes inside a block of size 48 free'd/);
    expect(r.stderr, text).toMatch(/definitely lost: 72 bytes in 1 blocks/);
  });

  it.skipIf(!valgrind)(`memcheck sees the sizes asked for: leaks, reads past the end, realloc${skipNote}`, async () => {
    const { r, text } = await memcheck(`t-track-valgrind-${process.pid}`, 'exact.c');
    expect(r.stdout, text).toContain('exact usable=100 moved_bad=0 v=0'); // malloc_usable_size: 100, not 112
    // malloc(100) leaked: 100 bytes, not the 112 of its class
    const leak = stackAfter(r.stderr, /100 bytes in 1 blocks are definitely lost/);
    expect(leak, text).toContain(`make_leak (exact.c:${markedLine('exact.c', 'LEAK')})`);
    // byte 100 of malloc(100): just past the block
    const past = stackAfter(
      r.stderr,
      new RegExp(`at 0x[0-9A-F]+: read_past \\(exact.c:${markedLine('exact.c', 'PAST')}\\)`),
    );
    expect(past, text).toMatch(/Address 0x[0-9a-fA-F]+ is 0 bytes after a block of size 100 alloc'd/);
    // calloc and large blocks end where asked too
    const calloced = stackAfter(
      r.stderr,
      new RegExp(`read_past_calloc_and_large \\(exact.c:${markedLine('exact.c', 'CALLOC_PAST')}\\)`),
    );
    expect(calloced, text).toMatch(/0 bytes after a (recently re-allocated )?block of size 100 alloc'd/);
    const large = stackAfter(
      r.stderr,
      new RegExp(`read_past_calloc_and_large \\(exact.c:${markedLine('exact.c', 'LARGE_PAST')}\\)`),
    );
    expect(large, text).toMatch(/0 bytes after a block of size 3,145,733 alloc'd/);
    // realloc(p, 60) kept the block and ended it at 60; realloc to 110 kept it again
    const shrunk = stackAfter(r.stderr, new RegExp(`resize_in_place \\(exact.c:${markedLine('exact.c', 'SHRUNK')}\\)`));
    expect(shrunk, text).toMatch(/0 bytes after a recently re-allocated block of size 60/);
    const grown = stackAfter(r.stderr, /110 bytes in 1 blocks are definitely lost/);
    expect(grown, text).toContain(`resize_in_place (exact.c:${markedLine('exact.c', 'RESIZED')})`);
    expect(r.stderr, text).toMatch(/definitely lost: 210 bytes in 2 blocks/);
    // those four reads and two leaks, nothing else (the moved realloc copied only its 40 bytes)
    expect(r.stderr, text).toMatch(/ERROR SUMMARY: 6 errors from 6 contexts/);
    expect(r.stderr.match(/Invalid read/g)?.length, text).toBe(4);
  });

  it.skipIf(!valgrind)(`memcheck finds no error in a correct program${skipNote}`, async () => {
    const { r, text } = await memcheck(`t-track-valgrind-${process.pid}`, 'clean.c');
    expect(r.stdout, text).toContain('clean bad=0');
    expect(r.stderr, text).toMatch(/ERROR SUMMARY: 0 errors from 0 contexts/);
    expect(r.stderr, text).not.toMatch(/definitely lost|Invalid (read|write)|uninitialised/);
    expect(r.status, text).toBe(0);
  });
});
