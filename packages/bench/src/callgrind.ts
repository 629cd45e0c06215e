/** Exact instructions per operation with valgrind --tool=callgrind (as shared/tools/instr-per-op). */
import type { Allocator } from './allocators.js';
import { childEnv, runProcess, tail } from './proc.js';
import { preloadFailure } from './run.js';
import { perOp } from './stats.js';

/** The total of "==pid== Collected : N" in callgrind's stderr, or null. */
export function parseCollected(stderr: string): number | null {
  const m = /Collected\s*:\s*(\d+)/.exec(stderr);
  return m ? Number(m[1]) : null;
}

export async function valgrindVersion(): Promise<string | null> {
  const r = await runProcess('valgrind', ['--version'], { timeoutMs: 30_000 });
  return r.spawnError || r.code !== 0 ? null : r.stdout.trim();
}

/**
 * An allocator valgrind cannot run at all: its instruction counts are "n/a (reason)", not a failure.
 * The reason starts with who cannot run under valgrind ("Scudo under valgrind: ...").
 */
export class ValgrindUnsupported extends Error {
  override name = 'ValgrindUnsupported';
}

/** Scudo's own fatal line in a client's stderr ("Scudo ERROR: internal map or unmap failure"), or null. */
export function scudoError(stderr: string): string | null {
  const m = /Scudo ERROR:[^\n]*/.exec(stderr);
  return m ? m[0].trim() : null;
}

const ERRNO: Record<number, string> = { 12: 'ENOMEM', 22: 'EINVAL', 1: 'EPERM', 13: 'EACCES' };

const gib = (bytes: number): string => {
  const g = bytes / 2 ** 30;
  return g >= 10 ? `${Math.round(g)} GiB` : g >= 1 ? `${g.toFixed(1)} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`;
};

/**
 * The first mmap that valgrind failed, from `--trace-syscalls=yes` output:
 * `SYSCALL[pid,1](9) sys_mmap ( 0x0, 193273528320, 0, 16418, 4294967295, 0 ) --> [pre-fail] Failure(0x16)`.
 */
export function failedMmap(trace: string): { bytes: number; prot: number; errno: number; preFail: boolean } | null {
  const m =
    /sys_mmap \(\s*0x[0-9a-f]+,\s*(\d+),\s*(\d+),[^)]*\)\s*-->\s*(\[pre-fail\]\s*)?Failure\(0x([0-9a-f]+)\)/i.exec(
      trace,
    );
  if (!m) return null;
  return { bytes: Number(m[1]), prot: Number(m[2]), errno: Number.parseInt(m[4] as string, 16), preFail: !!m[3] };
}

/** "Scudo under valgrind: ..." from Scudo's fatal line and, when found, the mmap valgrind refused. */
export function scudoUnderValgrindReason(scudoLine: string, trace: string): string {
  const f = failedMmap(trace);
  if (!f) return `Scudo under valgrind: it aborts at its first malloc: "${scudoLine}"`;
  const what =
    f.prot === 0 ? `reserves ${gib(f.bytes)} of address space (PROT_NONE)` : `maps ${gib(f.bytes)} (prot ${f.prot})`;
  const errno = ERRNO[f.errno] ?? `errno ${f.errno}`;
  const fails = f.preFail
    ? `valgrind's address-space manager has no room that large for a client and fails the mmap itself (${errno})`
    : `the mmap fails (${errno})`;
  return `Scudo under valgrind: at start-up Scudo ${what}; ${fails}, so Scudo aborts: "${scudoLine}"`;
}

/** Run the program once more under valgrind --tool=none --trace-syscalls=yes to name the mmap it refused. */
export async function diagnoseUnderValgrind(
  binary: string,
  args: readonly string[],
  allocator: Allocator,
  scudoLine: string,
  timeoutSeconds: number,
): Promise<string> {
  const env = childEnv(allocator.preload ? { LD_PRELOAD: allocator.preload } : {});
  const r = await runProcess('valgrind', ['--tool=none', '--trace-syscalls=yes', binary, ...args], {
    env,
    timeoutMs: timeoutSeconds * 1000,
  });
  return scudoUnderValgrindReason(scudoLine, r.stderr);
}

/** Instructions a whole run executes under callgrind. LD_PRELOAD is set for valgrind, which passes it to the client. */
export async function countInstructions(
  binary: string,
  args: readonly string[],
  allocator: Allocator,
  timeoutSeconds: number,
): Promise<number> {
  const env = childEnv(allocator.preload ? { LD_PRELOAD: allocator.preload } : {});
  const r = await runProcess('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', binary, ...args], {
    env,
    timeoutMs: timeoutSeconds * 1000,
  });
  if (r.spawnError) throw new Error(`cannot run valgrind: ${r.spawnError} (apt-get install valgrind)`);
  if (r.timedOut) throw new Error(`callgrind timed out after ${timeoutSeconds} s`);
  const pre = preloadFailure(r.stderr);
  if (pre) throw new Error(`LD_PRELOAD of ${allocator.preload} failed: ${pre}`);
  const scudo = scudoError(r.stderr);
  if (scudo && r.code !== 0) {
    const why = await diagnoseUnderValgrind(binary, args, allocator, scudo, timeoutSeconds);
    throw new ValgrindUnsupported(why);
  }
  if (r.code !== 0) throw new Error(`callgrind run exited with ${r.code ?? r.signal}: ${tail(r.stderr)}`);
  const n = parseCollected(r.stderr);
  if (n === null) throw new Error(`callgrind gave no count: ${tail(r.stderr)}`);
  return n;
}

export interface InstructionCount {
  n: number;
  atN: number;
  at2N: number;
  perOp: number;
}

/** (I(2N) - I(N)) / N: start-up and teardown cancel out. */
export async function instructionsPerOp(
  binary: string,
  argsFor: (n: number) => string[],
  n: number,
  allocator: Allocator,
  timeoutSeconds: number,
): Promise<InstructionCount> {
  const atN = await countInstructions(binary, argsFor(n), allocator, timeoutSeconds);
  const at2N = await countInstructions(binary, argsFor(2 * n), allocator, timeoutSeconds);
  return { n, atN, at2N, perOp: perOp(atN, at2N, n) };
}
