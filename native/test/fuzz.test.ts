// The malloc-family fuzzer (native/fuzz/hk_fuzz.c) for every variant in hakmem.config.ts:
// - the seed corpus (native/fuzz/corpus) and every regression input (native/fuzz/regressions)
//   replayed through a gcc + AddressSanitizer/UBSan build, no libFuzzer needed;
// - a bounded libFuzzer run (clang -fsanitize=fuzzer,address,undefined, the allocator's unit
//   instrumented for coverage too). HAKMEM_FUZZ_SECONDS sets its length (default: 10 s for
//   the default variant, 5 s for the others of the box cover, six variants in all: a smoke run in every CI
//   run, while a search for new bugs is a long run by hand, native/fuzz/README.md). A crash
//   fails the test, and the input is kept in .hakmem/fuzz-crashes/: add it to
//   native/fuzz/regressions/ once the bug is fixed.
// Inputs in native/fuzz/known-bugs/ reproduce bugs not fixed yet: the bounded run avoids each
// (HK_FUZZ_AVOID_<NAME>, the part of the file name before "--"), and their replay is skipped.
import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRun, makeTempDir, removeDir, repoRoot, run } from './helpers.js';
import {
  ASAN_UBSAN_CFLAGS,
  asanUnitObject,
  buildCached,
  contractCflags,
  ensureVariant,
  findClang,
  fuzzDir,
  reliabilityDir,
  variantNames,
  variantUnit,
  workDir,
  type VariantInfo,
} from './reliability/variants.js';

const corpusDir = join(fuzzDir, 'corpus');
const regressionsDir = join(fuzzDir, 'regressions');
const knownBugsDir = join(fuzzDir, 'known-bugs');
const fuzzSrc = join(fuzzDir, 'hk_fuzz.c');
const replaySrc = join(fuzzDir, 'replay_main.c');
const prefixedH = join(reliabilityDir, 'hk_prefixed.h');
const SAN_ENV = {
  ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1:abort_on_error=1',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
};

const inputsIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => !f.startsWith('.') && f !== 'README.md')
        .sort()
    : [];
const knownBugs = inputsIn(knownBugsDir);
const avoidFlags = knownBugs.map(
  (f) =>
    `-DHK_FUZZ_AVOID_${f
      .split('--')[0]
      .replace(/[^A-Za-z0-9_]/g, '_')
      .toUpperCase()}=1`,
);

function fuzzSeconds(variant: string): number {
  const env = Number(process.env.HAKMEM_FUZZ_SECONDS);
  if (Number.isFinite(env) && env > 0) return env;
  return variant === 'default' ? 10 : 5;
}

/** gcc build of the target with a plain main that replays files (ASan + UBSan: the unit's object
 * that sanitizers.test.ts's san_stress links too). */
function replayBinary(v: VariantInfo, avoid: string[], tag: string): string {
  const obj = asanUnitObject(v);
  const out = workDir(v.name, 'fuzz', `hk_fuzz_replay-${tag}`);
  const args = [
    ...contractCflags(v.name),
    ...ASAN_UBSAN_CFLAGS,
    ...avoid,
    obj,
    fuzzSrc,
    replaySrc,
    '-o',
    out,
    '-lpthread',
  ];
  return buildCached(out, variantUnit(v), [fuzzSrc, replaySrc, prefixedH, obj], [{ cc: 'gcc', args }]);
}

/**
 * clang + libFuzzer build. The allocator's C uses GCC's __atomic builtins on _Atomic objects,
 * which clang refuses; the unit is preprocessed by clang with _Atomic turned into a marker,
 * the marker stripped (the builtins still make every access atomic), and the result compiled
 * with coverage and sanitizers.
 */
function libFuzzerBinary(v: VariantInfo, clang: string): string {
  const unit = variantUnit(v);
  const dir = workDir(v.name, 'fuzz');
  const pre = join(dir, 'hakmem_variant.clang.i');
  const stripped = join(dir, 'hakmem_variant.clang.c');
  const obj = join(dir, 'hakmem_variant.clang.o');
  const out = join(dir, 'hk_fuzz');
  mkdirSync(dir, { recursive: true });
  const san = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all'];
  const flags = contractCflags(v.name)
    .filter((f) => !f.startsWith('-W'))
    .concat('-w');
  // Preprocess + strip first (cheap), so the cache key sees the code clang compiles.
  const r = run(clang, {
    args: [...flags, '-DHK_BUILD_ADDON=1', '-D_Atomic=__hk_atomic__', '-E', unit, '-o', pre],
    cwd: repoRoot,
  });
  if (r.status !== 0) throw new Error(`clang -E of the variant unit failed\n${describeRun(r)}`);
  const text = readFileSync(pre, 'utf8')
    .replace(/__hk_atomic__\(([^()]*)\)/g, '$1')
    .replace(/__hk_atomic__/g, '');
  if (!existsSync(stripped) || readFileSync(stripped, 'utf8') !== text) writeFileSync(stripped, text);
  return buildCached(
    out,
    unit,
    [stripped, fuzzSrc, prefixedH],
    [
      {
        cc: clang,
        args: [
          ...flags,
          '-O1',
          '-fno-omit-frame-pointer',
          '-fsanitize=fuzzer-no-link',
          ...san,
          '-c',
          stripped,
          '-o',
          obj,
        ],
      },
      {
        cc: clang,
        args: ['-g', '-O1', '-fsanitize=fuzzer', ...san, ...avoidFlags, fuzzSrc, obj, '-o', out, '-lpthread'],
      },
    ],
    [obj, out],
  );
}

const names = variantNames();
const clang = findClang();
const inCI = !!process.env.CI && process.env.CI !== 'false';

describe.each(names)('fuzzer, variant %s', (name) => {
  it('replays the seed corpus and every regression input (gcc, ASan + UBSan)', { timeout: 300_000 }, () => {
    const v = ensureVariant(name);
    const bin = replayBinary(v, avoidFlags, 'avoid');
    const inputs = inputsIn(corpusDir).length + inputsIn(regressionsDir).length;
    expect(inputs).toBeGreaterThan(10);
    const r = run(bin, { args: [corpusDir, regressionsDir], env: SAN_ENV, timeoutMs: 240_000 });
    if (r.status !== 0 || r.signal) throw new Error(`a corpus or regression input fails\n${describeRun(r)}`);
    expect(r.stdout).toContain(`replayed ${inputs} inputs`);
    expect(r.stderr).toMatch(new RegExp(`hk_fuzz: variant=${name} inputs=${inputs} ops=\\d+`));
  });

  it.skipIf(!clang && !inCI)(
    `libFuzzer: a bounded run (${fuzzSeconds(name)} s) finds no divergence`,
    { timeout: 600_000 },
    () => {
      if (!clang) throw new Error('clang not found: CI installs clang and libclang-rt-14-dev (.ci/run) for the fuzzer');
      const v = ensureVariant(name);
      const bin = libFuzzerBinary(v, clang);
      const work = workDir(name, 'fuzz-corpus');
      mkdirSync(work, { recursive: true });
      const artifacts = makeTempDir('fuzz-artifacts');
      const secs = fuzzSeconds(name);
      try {
        const r = run(bin, {
          args: [
            `-max_total_time=${secs}`,
            '-print_final_stats=1',
            '-timeout=30',
            '-rss_limit_mb=3072',
            '-max_len=4096',
            `-artifact_prefix=${artifacts}/`,
            work,
            corpusDir,
            regressionsDir,
          ],
          env: SAN_ENV,
          timeoutMs: (secs + 240) * 1000,
        });
        const crashes = readdirSync(artifacts);
        if (r.status !== 0 || r.signal || crashes.length) {
          const keep = join(repoRoot, '.hakmem', 'fuzz-crashes');
          mkdirSync(keep, { recursive: true });
          const kept = crashes.map((c) => {
            const to = join(keep, `${name}-${c}`);
            copyFileSync(join(artifacts, c), to);
            return to;
          });
          throw new Error(
            `the fuzzer found a divergence in variant ${name}; input(s): ${kept.join(', ') || '(none written)'}\n` +
              `reproduce: ${bin} <input>   (once fixed, add the input to native/fuzz/regressions/)\n${describeRun(r)}`,
          );
        }
        const done = /Done (\d+) runs in (\d+) second/.exec(r.stderr);
        const stats =
          /hk_fuzz: variant=(\S+) inputs=(\d+) ops=(\d+) allocs=(\d+) frees=(\d+) reallocs=(\d+) cross_thread=(\d+) thread_exits=(\d+)/.exec(
            r.stderr,
          );
        expect(done, describeRun(r)).not.toBeNull();
        expect(stats?.[1]).toBe(name);
        const runs = Number(done![1]);
        const ops = Number(stats![3]);
        // The lead reports these: executions (inputs) and malloc-family operations per CI run.
        console.log(
          `[fuzz] variant=${name} seconds=${done![2]} executions=${runs} ops=${ops} allocs=${stats![4]} frees=${stats![5]} ` +
            `reallocs=${stats![6]} cross_thread=${stats![7]} thread_exits=${stats![8]} (${Math.round(runs / secs)} exec/s)`,
        );
        expect(runs).toBeGreaterThan(100);
        expect(ops).toBeGreaterThan(runs);
      } finally {
        removeDir(artifacts);
      }
    },
  );

  for (const bug of knownBugs) {
    // Not fixed yet (see the report in native/fuzz/known-bugs/README.md): the replay must still
    // fail, so a fix shows here as a failing test, whose remedy is to move the input to
    // native/fuzz/regressions/, where its replay runs in every CI run from then on.
    it.fails(`KNOWN BUG, not fixed yet: replay native/fuzz/known-bugs/${bug} still fails`, () => {
      const v = ensureVariant(name);
      const bin = replayBinary(v, [], 'strict');
      const r = run(bin, { args: [join(knownBugsDir, bug)], env: SAN_ENV, timeoutMs: 60_000 });
      if (r.status !== 0 || r.signal) throw new Error(describeRun(r));
    });
  }
});
