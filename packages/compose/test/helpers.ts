import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defineSlot,
  loadHakmem,
  variantInfo,
  type BoxManifest,
  type HakmemAddon,
  type SlotName,
  type SlotPackage,
} from '@hakmem/native';
import { buildVariant, importConfig, validateConfig, withDefaultSlots } from '../src/index.js';

export const composeRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(composeRoot, '../..');
export const cliBin = join(composeRoot, 'bin', 'hakmem.mjs');
export const fixturesDir = join(composeRoot, 'test', 'fixtures');

/** Every slot's package (the slot list's, native/src/slots.ts), from its default package, as
 * loadConfig finds those a config does not name. */
export const slots = (
  (await withDefaultSlots({ slots: {} }, composeRoot)) as { slots: { [S in SlotName]: SlotPackage<S> } }
).slots;

export const defaultBoxes = {
  front: 'tcache',
  refill: 'batch',
  superslab: 'chunks',
  sharedpool: 'lockfree',
  block: 'fast',
  large: 'bigcache',
  stats: 'off',
  purge: 'decay',
} as const;

/** A plain (untyped) config, as a JS config file would give. */
export function rawConfig(variants: Record<string, unknown>, slotOverrides: Record<string, unknown> = {}): unknown {
  return { slots: { ...slots, ...slotOverrides }, variants };
}

/** A variant with the default boxes plus `extra` merged in. */
export function variant(
  extra: { boxes?: Record<string, unknown>; tunables?: unknown; description?: unknown } = {},
): unknown {
  return { description: 'test', ...extra, boxes: { ...defaultBoxes, ...(extra.boxes ?? {}) } };
}

/** A fresh temporary directory inside the repo (test/fixtures/tmp-*, gitignored). */
export function tempDir(name: string): { dir: string; cleanup: () => void } {
  const dir = join(fixturesDir, `tmp-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A synthetic slot package rooted at `root`, its C sources written from `files`. */
export function fakeSlot<S extends SlotName>(
  root: string,
  slot: S,
  boxes: Record<string, BoxManifest>,
  files: Record<string, string> = {},
): SlotPackage<S> {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: `@test/${slot}`, version: '9.9.9' }));
  return defineSlot(pathToFileURL(join(root, 'dist', 'index.js')), { slot, packageName: `@test/${slot}`, boxes });
}

/** The slots a typed test config names (those of defaultBoxes): their packages are imported and
 * listed in `slots`, so their boxes and tunables type-check; the rest get their default package. */
const CONFIG_SLOTS = Object.keys(defaultBoxes) as SlotName[];

/** The import lines a config file in test/fixtures/tmp-* needs. */
export const CONFIG_IMPORTS = `import { defineConfig } from '@hakmem/compose';
${[...CONFIG_SLOTS]
  .sort()
  .map((s) => `import ${s} from '@hakmem/${s}';`)
  .join('\n')}
`;

/** The `slots` field of such a config (after CONFIG_IMPORTS). */
export const SLOTS_FIELD = `slots: { ${CONFIG_SLOTS.join(', ')} },`;

/** A typed config file whose only variant is `name`, with `tunables` (TS source text). */
export function configSource(name: string, tunables = '{}', boxes = JSON.stringify(defaultBoxes)): string {
  return `${CONFIG_IMPORTS}
export default defineConfig({
  ${SLOTS_FIELD}
  variants: {
    ${JSON.stringify(name)}: { description: 'test variant', boxes: ${boxes}, tunables: ${tunables} },
  },
});
`;
}

// ---------------------------------------------------------------------------------------
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
 * run on it; afterAll removes the build.
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
    describeNativePrograms(() => name);
  });
}
