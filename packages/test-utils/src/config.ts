// Paths, slot packages and test configs shared by hakmem's tests.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defineSlot, type BoxManifest, type SlotName, type SlotPackage } from '@hakmem/native';
import { withDefaultSlots } from '@hakmem/compose';

const require = createRequire(import.meta.url);
/** packages/compose: where the test fixtures are, and whose dependencies a test config resolves. */
export const composeRoot = dirname(require.resolve('@hakmem/compose/package.json'));
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The `hakmem` command (packages/cli). */
export const cliBin = join(dirname(require.resolve('@hakmem/cli/package.json')), 'bin', 'hakmem.mjs');
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
