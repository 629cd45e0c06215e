// Sanitizer builds of the allocator's own code, for each variant it runs on (the matrix: the box
// cover's, vitest.matrix.config.ts):
// - AddressSanitizer with UndefinedBehaviorSanitizer (one build, one run), and ThreadSanitizer:
//   the variant's generated unit compiled with prefixed names (-DHK_BUILD_ADDON=1) and linked
//   into reliability/san_stress.c beside the sanitizer's own malloc; the program drives the
//   whole family, cross-thread frees, thread exit and orphan adoption, the lock-free pool and
//   the large cache.
// - UndefinedBehaviorSanitizer alone: an instrumented libhakmem.so preloaded into the C test
//   programs (native/test/c) and the bad-input and reliability programs (ubsanPrograms: every
//   one on default, the malloc family and fork on the others).
// Zero reports: every sanitizer halts on its first report, and stderr is searched as well.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildProgram, cDir, describeRun, run, type RunResult } from './helpers.js';
import {
  ASAN_UBSAN_CFLAGS,
  asanUnitObject,
  buildCached,
  contractCflags,
  ensureVariant,
  expectProgramOk,
  reliabilityDir,
  runPreloaded,
  SAN_CFLAGS,
  variantNames,
  variantUnit,
  workDir,
  type VariantInfo,
} from './reliability/variants.js';

const SAN_ENV = {
  ASAN_OPTIONS:
    'detect_leaks=0:halt_on_error=1:exitcode=86:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1',
  TSAN_OPTIONS: 'halt_on_error=1:exitcode=66:second_deadlock_stack=1',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1:report_error_type=1',
  HAKMEM_PURGE_DELAY_MS: '0', // decay passes (and whole chunks unmapped) on every few slow paths
};
const REPORT =
  /runtime error:|ERROR: AddressSanitizer|WARNING: ThreadSanitizer|ERROR: \w*Sanitizer|SUMMARY: \w*Sanitizer/;

function expectNoReport(r: RunResult): void {
  if (r.status !== 0 || r.signal || r.error || REPORT.test(r.stderr)) {
    throw new Error(`sanitizer report (or failure)\n${describeRun(r)}`);
  }
}

type Sanitizer = 'address,undefined' | 'thread';

/** san_stress.c linked with the variant's unit, both compiled with -fsanitize=<s> (ASan + UBSan:
 * the unit's object that the fuzzer's replay links too). */
function sanStress(v: VariantInfo, s: Sanitizer): string {
  const src = join(reliabilityDir, 'san_stress.c');
  const out = workDir(v.name, 'san', `san_stress-${s.replace(',', '-')}`);
  const headers = [src, join(reliabilityDir, 'hk_prefixed.h')];
  const program = [`-I${reliabilityDir}`, src, '-o', out, '-lpthread'];
  if (s === 'address,undefined') {
    const obj = asanUnitObject(v);
    const args = [...contractCflags(v.name), ...ASAN_UBSAN_CFLAGS, obj, ...program];
    return buildCached(out, variantUnit(v), [...headers, obj], [{ cc: 'gcc', args }]);
  }
  const unit = variantUnit(v);
  const args = [...contractCflags(v.name), ...SAN_CFLAGS, '-fsanitize=thread', unit, ...program];
  return buildCached(out, unit, headers, [{ cc: 'gcc', args }]);
}

/** libhakmem.so with -fsanitize=undefined (the shared-library flags of the contract). */
function ubsanLibrary(v: VariantInfo): string {
  const unit = variantUnit(v);
  const out = workDir(v.name, 'ubsan', 'libhakmem.so');
  return buildCached(
    out,
    unit,
    [],
    [
      {
        cc: 'gcc',
        args: [
          ...contractCflags(v.name),
          '-O2',
          '-fsanitize=undefined',
          '-fno-sanitize-recover=all',
          '-ftls-model=initial-exec',
          '-DHK_BUILD_ADDON=0',
          '-shared',
          '-Wl,-soname,libhakmem.so',
          '-Wl,-z,now',
          unit,
          '-o',
          out,
          '-lpthread',
        ],
      },
    ],
  );
}

const names = variantNames();

/** san_stress's scale: the core's code runs at scale 2 under ASan on the default variant, 1 under
 * TSan, which reports a race from the first pair of unordered accesses, not from the many runs a
 * crash needs; the others bring boxes (the matrix runs this file on the box cover) and run scale
 * 1 under ASan, 0.35 under TSan. paranoid's phases under TSan in the suite: 25.8 s at 0.5, most of
 * it TSan's shadow work for the blocks' fills and the chunks unmapped (perf); at 0.35 each phase
 * still runs every path it drives (10,500 blocks per thread, a quarter handed to another thread
 * to free; 17 generations of 4 exiting threads; two rounds of slabs and chunks back to the pool
 * and large blocks to the cache; three of orphaned heaps freed into and adopted). */
const scale = (name: string, s: Sanitizer): string =>
  s === 'thread' ? (name === 'default' ? '1' : '0.35') : name === 'default' ? '2' : '1';

/** The C programs the UBSan library is preloaded into, with their arguments. The default variant
 * runs them all; the others bring boxes whose code san_stress's ASan+UBSan build above already
 * runs (threads, cross-thread frees, thread exit, realloc), and run what only a preloaded library
 * does: the malloc family's symbols (api.c) and the boxes' fork hooks with threads running. */
const ubsanPrograms = (name: string): [string, string[]][] => [
  [join(cDir, 'api.c'), []],
  [join(cDir, 'fork.c'), ['4', '20']],
  [join(reliabilityDir, 'fork_exit.c'), ['4', '20']],
  ...(name === 'default'
    ? ([
        // UBSan reports a path's undefined behaviour the first time it runs: sizes that run
        // every path (threads.test.ts runs these programs long, without the sanitizer)
        [join(cDir, 'threads.c'), ['4', '10000']],
        [join(cDir, 'churn.c'), ['200', '4', '400']],
        [join(cDir, 'realloc_stress.c'), ['2', '5000']],
        [join(reliabilityDir, 'thread_reuse.c'), ['4']],
      ] as [string, string[]][])
    : []),
];

describe.each(names)('sanitizers, variant %s', (name) => {
  it('AddressSanitizer and UndefinedBehaviorSanitizer: the allocator (prefixed) inside san_stress, every phase', {
    timeout: 300_000,
  }, () => {
    const v = ensureVariant(name);
    const r = run(sanStress(v, 'address,undefined'), {
      args: ['all', scale(name, 'address,undefined')],
      env: SAN_ENV,
      timeoutMs: 240_000,
    });
    expectNoReport(r);
    expect(r.stdout).toMatch(/phase orphan ok/);
    expect(r.stdout).toMatch(new RegExp(`hakmem variant=${name} `));
  });

  // No suppressions: the races it found (orphan list head, slab start vs pool link, the large
  // cache's totals) are fixed, and a new one fails the run.
  it('ThreadSanitizer: cross-thread frees, thread exit, orphan heaps, the lock-free pool, the large cache', {
    timeout: 300_000,
  }, () => {
    const v = ensureVariant(name);
    const bin = sanStress(v, 'thread');
    for (const phase of ['xthread', 'churn', 'pool', 'orphan']) {
      const r = run(bin, { args: [phase, scale(name, 'thread')], env: SAN_ENV, timeoutMs: 240_000 });
      expectNoReport(r);
      expect(r.stdout).toContain(`phase ${phase} ok`);
    }
  });

  it('UndefinedBehaviorSanitizer: an instrumented libhakmem.so preloaded into the C test programs', {
    timeout: 400_000,
  }, () => {
    const v = ensureVariant(name);
    const lib = ubsanLibrary(v);
    for (const [src, args] of ubsanPrograms(name)) {
      const bin = buildProgram(src, { mode: 'plain' });
      const r = runPreloaded(lib, bin, { args, env: SAN_ENV, timeoutMs: 240_000, report: true });
      expectNoReport(r);
      expectProgramOk(r, name);
      expect(
        r.report.some((l) => l.pid === r.pid && l.variant === name),
        `HAKMEM_REPORT for ${src}`,
      ).toBe(true);
    }
    // Bad input goes through the cold paths: the report-once case for reporting variants, a
    // defined-result case for all.
    const bad = buildProgram(join(reliabilityDir, 'bad_input.c'), { mode: 'plain' });
    for (const c of ['overflow', 'huge-alignment', 'malloc-zero']) {
      const r = runPreloaded(lib, bad, { args: [c], env: SAN_ENV, timeoutMs: 60_000 });
      if (REPORT.test(r.stderr)) throw new Error(`UBSan report in bad_input ${c}\n${describeRun(r)}`);
      expect(r.status, describeRun(r)).toBe(0); // a defined result, checked by the program
    }
    for (const c of ['double-free-small', 'free-interior-odd']) {
      const r = runPreloaded(lib, bad, { args: [c], env: SAN_ENV, timeoutMs: 60_000 });
      if (REPORT.test(r.stderr)) throw new Error(`UBSan report in bad_input ${c}\n${describeRun(r)}`);
      expect(r.stdout, describeRun(r)).toMatch(/^addr=/m);
      // reported and went on with an intact heap, or (a checked variant) stopped naming hakmem
      if (r.status === 0) expect(r.stdout, describeRun(r)).toMatch(/integrity ok/);
      else expect(r.stderr, describeRun(r)).toMatch(/hakmem/);
    }
  });
});
