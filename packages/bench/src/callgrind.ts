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
