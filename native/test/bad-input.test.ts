// The bad-input matrix (docs/bad-input.md) for every variant in
// hakmem.config.ts: one process per case (native/test/reliability/bad_input.c), hakmem
// preloaded. The variant's policy comes from dist/<v>/variant.json (block onInvalid):
// - report: the first invalid free or realloc prints `hakmem: <problem> 0x<address>` and
//   `hakmem: (further invalid frees are ignored silently; the heap is intact)`, later ones
//   print nothing; the program goes on and proves the heap intact (no overlap, contents kept,
//   local and cross-thread frees, reuse);
// - abort: it prints `hakmem: <problem> 0x<address>` and dies of SIGABRT at once.
// Cases with a defined result (overflow, alignment, size 0, realloc(p, 0), free(NULL)) behave
// the same in every variant and print nothing.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildProgram, describeRun, type RunResult } from './helpers.js';
import {
  abortsOnInvalidFree,
  ensureVariant,
  reliabilityDir,
  runPreloaded,
  variantNames,
  type VariantInfo,
} from './reliability/variants.js';

type Case =
  | { name: string; kind: 'invalid'; problem: RegExp; why: string; knownBug?: string }
  | { name: string; kind: 'defined'; why: string; knownBug?: string };

const DID_NOT_ALLOCATE = /did not allocate/i;
const INSIDE = /inside/i;
const DOUBLE_FREE = /double free/i;

const cases: Case[] = [
  {
    name: 'free-foreign-mmap',
    kind: 'invalid',
    problem: DID_NOT_ALLOCATE,
    why: 'free of a foreign pointer (an mmap page)',
  },
  { name: 'free-foreign-global', kind: 'invalid', problem: DID_NOT_ALLOCATE, why: 'free of a global' },
  { name: 'free-stack', kind: 'invalid', problem: DID_NOT_ALLOCATE, why: 'free of a stack address' },
  {
    name: 'free-glibc-heap',
    kind: 'invalid',
    problem: DID_NOT_ALLOCATE,
    why: "free of glibc's heap block (__libc_malloc)",
  },
  { name: 'free-interior-small', kind: 'invalid', problem: INSIDE, why: 'free of p + 16 in a 100-byte block' },
  { name: 'free-interior-odd', kind: 'invalid', problem: INSIDE, why: 'free of p + 3 in a 48-byte block' },
  {
    name: 'free-interior-whole',
    kind: 'invalid',
    problem: INSIDE,
    why: 'free inside a 20 KiB block (whole-chunk slab)',
  },
  { name: 'free-interior-large', kind: 'invalid', problem: INSIDE, why: 'free inside a 1 MiB block (large)' },
  { name: 'double-free-small', kind: 'invalid', problem: DOUBLE_FREE, why: 'double free of a 64-byte block' },
  {
    name: 'free-interior-aligned',
    kind: 'invalid',
    problem: INSIDE,
    why: 'free of q + 16 where q came from aligned_alloc(256, 512)',
  },
  {
    name: 'double-free-aligned',
    kind: 'invalid',
    problem: /double free|inside/i,
    why: 'double free of an aligned_alloc(256, 512) block',
  },
  {
    name: 'double-free-cross-thread',
    kind: 'invalid',
    problem: DOUBLE_FREE,
    why: 'double free, the second from another thread',
  },
  { name: 'double-free-whole', kind: 'invalid', problem: DOUBLE_FREE, why: 'double free of a 20 KiB block' },
  // A freed large block rests in the large cache (double free) or is unmapped (not ours any more).
  {
    name: 'double-free-large',
    kind: 'invalid',
    problem: /double free|did not allocate/i,
    why: 'double free of a 1 MiB block',
  },
  {
    name: 'double-free-huge',
    kind: 'invalid',
    problem: /double free|did not allocate/i,
    why: 'double free of a 160 MiB block (unmapped on free)',
  },
  { name: 'realloc-freed', kind: 'invalid', problem: /realloc|double free|freed/i, why: 'realloc of a freed block' },
  {
    name: 'realloc-foreign',
    kind: 'invalid',
    problem: /realloc.*did not allocate/i,
    why: 'realloc of a stack address',
  },
  {
    name: 'realloc-interior',
    kind: 'invalid',
    problem: /realloc.*(did not allocate|inside)/i,
    why: 'realloc of an interior pointer',
  },
  {
    name: 'report-once',
    kind: 'invalid',
    problem: DID_NOT_ALLOCATE,
    why: 'six invalid frees and reallocs in a row: reported once',
  },
  { name: 'free-null', kind: 'defined', why: 'free(NULL) does nothing and keeps errno' },
  {
    name: 'malloc-zero',
    kind: 'defined',
    why: 'malloc(0) is a unique block of at least 16 bytes; realloc(NULL, 0) too',
  },
  { name: 'realloc-zero', kind: 'defined', why: 'realloc(p, 0) frees p and returns NULL' },
  {
    name: 'overflow',
    kind: 'defined',
    why: 'malloc(SIZE_MAX), calloc/reallocarray overflow, huge sizes: NULL + ENOMEM, blocks untouched',
  },
  { name: 'bad-alignment', kind: 'defined', why: 'alignments that are not powers of two: EINVAL (memalign rounds up)' },
  { name: 'huge-alignment', kind: 'defined', why: 'huge alignments fail cleanly; 64 KiB .. 32 MiB work' },
  // Found by the fuzzer (native/fuzz/regressions/aligned-alloc-size-zero-usable-size), fixed.
  { name: 'aligned-zero', kind: 'defined', why: 'size 0 at every alignment is a real block that free() accepts' },
];

const hex = (s: string) => s.replace(/^0x/, '').toLowerCase();
const hakmemLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('hakmem:'));

function addrOf(r: RunResult): string {
  const m = /^addr=(0x[0-9a-f]+)$/m.exec(r.stdout);
  if (!m) throw new Error(`the program printed no addr= line\n${describeRun(r)}`);
  return m[1];
}

/** The line that names the problem and the address, e.g. `hakmem: double free of 0x7f...`. */
function expectProblemLine(r: RunResult, problem: RegExp, addr: string): void {
  const line = hakmemLines(r.stderr).find((l) => problem.test(l) && new RegExp(`0x0*${hex(addr)}\\b`, 'i').test(l));
  if (!line) throw new Error(`expected a line "hakmem: <${problem.source}> ${addr}" on stderr\n${describeRun(r)}`);
}

function check(v: VariantInfo, c: Case, r: RunResult): void {
  if (c.kind === 'defined') {
    if (r.status !== 0 || r.signal) throw new Error(`${c.why}: the program failed\n${describeRun(r)}`);
    expect(r.stdout).toContain('integrity ok');
    expect(hakmemLines(r.stderr), `${c.why}: hakmem must print nothing`).toEqual([]);
    return;
  }
  const addr = addrOf(r);
  if (abortsOnInvalidFree(v)) {
    if (r.signal !== 'SIGABRT') throw new Error(`${c.why}: expected SIGABRT (onInvalid: abort)\n${describeRun(r)}`);
    expect(r.stdout).not.toContain('survived');
    expectProblemLine(r, c.problem, addr);
    return;
  }
  if (r.status !== 0 || r.signal)
    throw new Error(`${c.why}: expected the program to go on (onInvalid: report)\n${describeRun(r)}`);
  expect(r.stdout).toContain('survived');
  expect(r.stdout).toContain('integrity ok');
  expectProblemLine(r, c.problem, addr);
  const lines = hakmemLines(r.stderr);
  expect(lines, `${c.why}: reported once, then silence`).toHaveLength(2);
  expect(lines[1]).toBe('hakmem: (further invalid frees are ignored silently; the heap is intact)');
}

const names = variantNames();
const bin = () => buildProgram(join(reliabilityDir, 'bad_input.c'), { mode: 'plain' });

describe.each(names)('bad input, variant %s', (name) => {
  it('the matrix lists every case the program has', { timeout: 120_000 }, () => {
    const v = ensureVariant(name);
    const r = runPreloaded(v, bin(), { args: ['list'], requireReport: true });
    const listed = r.stdout.split('cases:\n')[1]?.trim().split('\n') ?? [];
    expect(listed.sort()).toEqual(cases.map((c) => c.name).sort());
  });

  for (const c of cases) {
    const label = `${c.name}: ${c.why}`;
    const test = () => {
      const v = ensureVariant(name);
      const r = runPreloaded(v, bin(), {
        args: [c.name],
        timeoutMs: 60_000,
        requireReport: c.kind === 'defined' || !abortsOnInvalidFree(v),
      });
      check(v, c, r);
    };
    if (c.knownBug) it.skip(`KNOWN BUG, not fixed yet — ${label} (${c.knownBug})`, test);
    else it(label, { timeout: 120_000 }, test);
  }
});
