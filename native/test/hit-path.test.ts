// The hit path's budget, held by exact instruction counts (callgrind), not by timings: one
// malloc + free of 64 B with 16 other blocks of the class live (tiny_hot 64 16), counting
// only the instructions inside malloc and free (--toggle-collect), at N and 2N pairs so the
// start-up cancels out. A change that grows a variant's pair by more than two instructions
// fails here; a change that shrinks it lowers the budget below (docs/hit-path.md has the
// annotated listing of the default's pair and how the figures were taken).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram, findExecutable, libPath, repoRoot, requireLibrary, run, variant } from './helpers.js';

/** Instructions per malloc + free pair, measured on this tree (docs/hit-path.md). */
const BUDGET: Record<string, number> = { default: 56, lean: 56, secure: 110, paranoid: 195, debug: 135 };
const SLACK = 2;

function collected(bin: string, pairs: number): number {
  const r = run('valgrind', {
    args: [
      '--tool=callgrind',
      '--toggle-collect=malloc',
      '--toggle-collect=free',
      '--callgrind-out-file=/dev/null',
      bin,
      String(pairs),
      '64',
      '16',
    ],
    preload: true,
    timeoutMs: 300_000,
  });
  const m = /Collected\s*:\s*(\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`callgrind gave no count (status ${r.status})\n${r.stderr.slice(-2000)}`);
  return Number(m[1]);
}

const budget = BUDGET[variant];
const valgrind = findExecutable('valgrind');

describe.runIf(budget !== undefined)(`hit path of ${variant}`, () => {
  it.skipIf(!valgrind)(`a 64 B malloc + free pair costs at most ${budget} + ${SLACK} instructions`, () => {
    requireLibrary();
    const bin = buildProgram(join(repoRoot, 'packages/bench/c/tiny_hot.c'), { mode: 'plain' });
    const n = 20_000;
    const perPair = (collected(bin, 2 * n) - collected(bin, n)) / n;
    // the counts are exact: whole numbers of instructions per pair, the same every run
    expect(Math.abs(perPair - Math.round(perPair)), `${perPair} per pair under ${libPath}`).toBeLessThan(0.01);
    expect(perPair, `the pair under ${variant}`).toBeLessThanOrEqual((budget as number) + SLACK);
    // a budget far above what is measured is a budget nobody lowered: keep it honest too
    expect(perPair, `lower BUDGET.${variant} to ${perPair}`).toBeGreaterThanOrEqual((budget as number) - SLACK);
  });
});
