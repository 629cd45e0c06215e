import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHakmem, variantInfo, type HakmemAddon, type SlotName } from '@hakmem/native';
import { buildVariant, importConfig, validateConfig, withDefaultSlots } from '@hakmem/compose';
import { configSource, defaultBoxes, repoRoot, tempDir } from './config.js';
import { coveredPairs } from './cover.js';

// Box tests through a real build: the slot packages' tests use these for every box that is
// not in the default variant.

export interface TestVariant {
  readonly name: string;
  /** <repo>/dist/<name>: where loadHakmem and native/test/helpers.ts (HAKMEM_TEST_VARIANT) look. */
  readonly distDir: string;
  /** Deletes dist/<name>/, .hakmem/build/<name>/ and .hakmem/test-bin/<name>/. */
  remove(): void;
}

/**
 * Builds `name` (the default boxes with `boxes` swapped in, `tunables` as TS source text) from
 * a temporary config into the repository's dist/<name>/, so the C test programs can run on it.
 */
export async function buildTestVariant(
  name: string,
  boxes: Partial<Record<SlotName, string>> = {},
  tunables = '{}',
): Promise<TestVariant> {
  const t = tempDir(name);
  try {
    const file = join(t.dir, 'hakmem.config.ts');
    writeFileSync(file, configSource(name, tunables, JSON.stringify({ ...defaultBoxes, ...boxes })));
    const config = validateConfig(await withDefaultSlots(await importConfig(file), t.dir), {
      path: file,
      rootDir: repoRoot,
    });
    const r = await buildVariant(config, name);
    const dirs = [r.distDir, r.buildDir, join(repoRoot, '.hakmem', 'test-bin', name)];
    return { name, distDir: r.distDir, remove: () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })) };
  } finally {
    t.cleanup();
  }
}

/** native/test/helpers.ts bound to `variant` (it reads HAKMEM_TEST_VARIANT once per test file). */
export async function nativeHelpers(variant: string): Promise<typeof import('../../../native/test/helpers.js')> {
  process.env.HAKMEM_TEST_VARIANT = variant;
  const h = await import('../../../native/test/helpers.js');
  if (h.variant !== variant) {
    throw new Error(`native/test/helpers.ts is bound to variant ${h.variant} in this test file; one variant per file`);
  }
  return h;
}

/** api.c's "ok N checks" when all of it ran (~43,300): native/test/helpers.ts's API_CHECKS, for
 * the tests outside native/ that run api.c themselves (native does not depend on this package). */
export const API_CHECKS = 40_000;

/**
 * The C test programs of native/test (malloc contract, cross-thread frees, thread churn, fork
 * under allocation, realloc stress), preloaded into `variant()`, at sizes that keep one run
 * to seconds. One variant per test file.
 */
export function describeNativePrograms(variant: () => string): void {
  const programs: [string, string[], RegExp | undefined][] = [
    ['api.c', [], undefined],
    ['threads.c', ['4', '20000'], /cross_frees=[1-9]/],
    ['churn.c', ['200', '4', '200'], /threads=200 /],
    ['fork.c', ['8', '8'], /forks=8/],
    ['realloc_stress.c', ['2', '20000'], undefined],
  ];
  describe('native/test C programs, hakmem preloaded', () => {
    for (const [source, args, expected] of programs) {
      it(`${source} ${args.join(' ')}`.trim(), { timeout: 180_000 }, async () => {
        const h = await nativeHelpers(variant());
        const r = h.runTestProgram(source, 'preload', { args, timeoutMs: 150_000 });
        expect(r.checks).toBeGreaterThan(0);
        if (expected) expect(r.stdout).toMatch(expected);
      });
    }
  });
}

/**
 * Tests one box through a real build: beforeAll builds `t-<slot>-<box>-<pid>` (the default
 * boxes with this one swapped in, plus `tunables`), `checks` declares tests against its addon
 * (the slot's conformance suite, then what is particular to the box), then the C test programs
 * run on it; afterAll removes the build. The programs run only where the root suite does not
 * already run them on these boxes: a box of a named variant of the box cover, with no tunables
 * of the test's own, gets them (and more: threads, sanitizers, fuzzing) from
 * vitest.matrix.config.ts on that variant.
 */
export function describeBoxVariant(
  slot: SlotName,
  box: string,
  checks: (hk: () => HakmemAddon) => void,
  opts: { tunables?: string; others?: Partial<Record<SlotName, string>> } = {},
): void {
  const name = `t-${slot}-${box}-${process.pid}`;
  let built: TestVariant | undefined;
  let addon: HakmemAddon | undefined;
  describe(`${slot}/${box} in variant ${name}`, () => {
    beforeAll(async () => {
      built = await buildTestVariant(name, { ...opts.others, [slot]: box }, opts.tunables);
      addon = loadHakmem(built.distDir);
    }, 180_000);
    afterAll(() => built?.remove());

    const hk = (): HakmemAddon => {
      if (!addon) throw new Error(`variant ${name} was not built`);
      return addon;
    };
    it('the variant uses the box', () => {
      expect(variantInfo(hk()).boxes[slot].box).toBe(box);
    });
    checks(hk);
    const boxes = Object.entries({ ...opts.others, [slot]: box }).map(([s, b]) => `${s}=${b}`);
    const covered = coveredPairs();
    if (opts.tunables || !boxes.every((p) => covered.has(p))) describeNativePrograms(() => name);
  });
}
