import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import native from './native/vitest.config.ts';
import base from './vitest.config.ts';

// Everything `pnpm test` runs in one vitest process, so the slow files of every project share
// the machine's cores instead of waiting for each other: the projects of vitest.config.ts
// (`native` on the default variant) plus `native:<variant>`, the native suite bound to each
// other variant of hakmem.config.ts through HAKMEM_TEST_VARIANT (native/test/helpers.ts).
//
// The stress files (threads, sanitizers, fuzz) exercise boxes, not names: they run once per
// box. A variant runs them when it brings a (slot, box) pair that no variant chosen before it
// brings, picking first the variants that bring the most (greedy cover; `default` is chosen
// first, by the `native` project). The sampler slot is left out: a sampler only watches
// allocations (packages/sampler tests it). Today that leaves the stress files off `secure`
// (paranoid has its block and front boxes), `hugepage` (asan has its purge box), `profiling`
// and `python-records` (the default's boxes); every other file runs on every variant.
const root = import.meta.dirname;
const cli = join(root, 'packages', 'cli', 'bin', 'hakmem.mjs');
const STRESS = ['**/threads.test.ts', '**/sanitizers.test.ts', '**/fuzz.test.ts'];
const WATCHERS = new Set(['sampler']);

interface Listed {
  name: string;
  boxes: Record<string, string>;
}

function listVariants(): Listed[] {
  const r = spawnSync(process.execPath, [cli, 'list', '--json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hakmem list --json failed:\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { variants: Listed[] }).variants;
}

/** The variants that run the stress files: a greedy cover of every (slot, box) pair. */
export function stressCover(variants: Listed[]): Set<string> {
  const pairs = (v: Listed) =>
    Object.entries(v.boxes)
      .filter(([slot]) => !WATCHERS.has(slot))
      .map(([slot, box]) => `${slot}=${box}`);
  const covered = new Set(pairs(variants.find((v) => v.name === 'default') ?? variants[0]));
  const chosen = new Set(['default']);
  for (;;) {
    let best: Listed | undefined;
    let bestNew = 0;
    for (const v of variants) {
      const fresh = pairs(v).filter((p) => !covered.has(p)).length;
      if (fresh > bestNew) [best, bestNew] = [v, fresh];
    }
    if (!best) return chosen;
    chosen.add(best.name);
    for (const p of pairs(best)) covered.add(p);
  }
}

const variants = listVariants();
const cover = stressCover(variants);

export default defineConfig({
  test: {
    ...base.test,
    projects: [
      ...(base.test?.projects ?? []),
      ...variants
        .filter((v) => v.name !== 'default')
        .map((v) => ({
          root: join(root, 'native'),
          test: {
            ...native.test, // the `native` project's files, timeouts and pool, bound to v
            name: `native:${v.name}`,
            exclude: [...configDefaults.exclude, ...(cover.has(v.name) ? [] : STRESS)],
            env: { HAKMEM_TEST_VARIANT: v.name },
          },
        })),
    ],
  },
});
