// Shared by the hardening tests: run test/c/large_hardening.c in a child process with a
// variant preloaded, and what its scenarios must end with. `n` is native/test/helpers.ts, bound
// to the test file's variant (one per file); plain builds and explicit LD_PRELOAD do not
// depend on it.
import { expect } from 'vitest';
import { join, resolve } from 'node:path';
import large from '../src/index.js';
import { MiB } from '../src/conformance.js';

type Native = typeof import('../../../native/test/helpers.js');
type RunResult = ReturnType<Native['run']>;

export const repo = resolve(large.root, '../..');
export const PAGE = 4096;
export const CHUNK = 2n * BigInt(MiB);
export const up = (n: number, a: number): number => Math.ceil(n / a) * a;
export const distOf = (variant: string): string => join(repo, 'dist', variant);
/** Bytes of a fresh guarded mapping for a block of size bytes (16-byte alignment): the header
 * page, the block pushed up to end at a page boundary, the guard page. */
export const guardedLen = (size: number): number => up(PAGE + up(size, 16), PAGE) + PAGE;

/** test/c/large_hardening.c with `args`, the variant in distDir preloaded. */
export function scenario(n: Native, distDir: string, args: string[]): RunResult {
  const bin = n.buildProgram(join(large.root, 'test/c/large_hardening.c'), { mode: 'plain' });
  return n.run(bin, { args, env: { LD_PRELOAD: join(distDir, 'libhakmem.so') }, timeoutMs: 60_000 });
}

/** The write one byte past the usable end faults exactly there, and kills the process. */
export function expectGuardFault(n: Native, distDir: string, kind: string): void {
  const r = scenario(n, distDir, ['overflow', kind]);
  const at = /^overflow (0x[0-9a-f]+)$/m.exec(r.stdout);
  expect(at, n.describeRun(r)).not.toBeNull();
  expect(r.stdout, n.describeRun(r)).toContain(`fault ${at![1]}\n`); // the first byte past the block
  expect(BigInt(at![1]) % BigInt(PAGE)).toBe(0n); // ... is the first byte of a page
  expect(r.signal, n.describeRun(r)).toBe('SIGSEGV');
  expect(r.stdout).not.toContain('survived');
}

/** A forged record makes free (or malloc_usable_size) abort naming the chunk, and the program's
 * own mapping right after the block's survives. */
export function expectForgeAborts(n: Native, distDir: string, field: string, use: string): void {
  const r = scenario(n, distDir, ['forge', field, use]);
  const at = /^forged (0x[0-9a-f]+)$/m.exec(r.stdout);
  expect(at, n.describeRun(r)).not.toBeNull();
  expect(r.stderr).toContain(`hakmem: large block header corrupted (heap overflow?) at ${at![1]}\n`);
  expect(r.stdout, n.describeRun(r)).toMatch(/^neighbour intact 0x[0-9a-f]+$/m);
  expect(r.signal, n.describeRun(r)).toBe('SIGABRT');
  expect(r.stdout).not.toContain('survived');
}
