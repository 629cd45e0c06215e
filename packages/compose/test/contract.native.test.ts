// The contract check (`hakmem check`): every file of every box compiles alone against the
// headers it includes, and the same commands become compile_commands.json for editors.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseDir, coreDir, defineBase, HakmemManifestError } from '@hakmem/native';
import { slabs } from '@hakmem/refill';
import { contractEntries, loadConfig, runContractCheck, validateConfig, writeCompileCommands } from './internal.js';
import { fakeSlot, rawConfig, repoRoot, variant } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'hakmem-contract-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('hakmem check', () => {
  it("every file of every box of the repository's config compiles alone", { timeout: 240_000 }, async () => {
    const config = await loadConfig(join(repoRoot, 'hakmem.config.ts'));
    const entries = contractEntries(config);
    // every slot header, every box source and every base's header and sources are checked
    for (const s of [
      'hk_refill.h',
      'hk_refill_slabs.h',
      'hk_refill_slabs.c',
      'hk_refill_batch.c',
      'hk_block.h',
      'hk_block_fast.c',
    ]) {
      expect(
        entries.some((e) => e.file.endsWith(`/${s}`)),
        s,
      ).toBe(true);
    }
    expect(await runContractCheck(entries)).toEqual([]);
    const db = join(tmp, 'compile_commands.json');
    writeCompileCommands(entries, db);
    const json = JSON.parse(readFileSync(db, 'utf8')) as { file: string; directory: string; arguments: string[] }[];
    expect(new Set(json.map((e) => e.file)).size).toBe(json.length);
    const batch = json.find((e) => e.file.endsWith('hk_refill_batch.c'))!;
    expect(batch.arguments).toEqual(expect.arrayContaining(['-fsyntax-only', '-I', join(slabs.root, 'c', 'common')]));
    // a box sees the base every file includes, never the core's own code (docs/contract.md)
    for (const e of entries) {
      expect(e.arguments, e.file).toContain(baseDir);
      expect(e.arguments, e.file).not.toContain(coreDir);
    }
  });

  it('a box that includes a file of the core fails: native/core is not on its include path', {
    timeout: 60_000,
  }, async () => {
    const root = join(tmp, 'core-refill');
    const bad = fakeSlot(
      root,
      'refill',
      {
        nosy: {
          name: 'nosy',
          description: "reads the core's option table",
          base: slabs,
          sources: ['c/nosy/nosy.c'],
          tunables: { ...slabs.tunables },
        },
      },
      { 'c/nosy/nosy.c': '#include "hk_refill_slabs.h"\n#include "hk_options.h"\n' },
    );
    const config = validateConfig(rawConfig({ v: variant({ boxes: { refill: 'nosy' } }) }, { refill: bad }), {
      rootDir: tmp,
    });
    const failures = await runContractCheck(contractEntries(config).filter((e) => e.slot === 'refill'));
    expect(failures.map((f) => f.entry.file)).toEqual([join(root, 'c/nosy/nosy.c')]);
    expect(failures[0]!.diagnostics).toMatch(/hk_options\.h/);
  });

  it('a box that calls what its headers do not declare fails, naming the file and the function', {
    timeout: 60_000,
  }, async () => {
    const root = join(tmp, 'bad-refill');
    const bad = fakeSlot(
      root,
      'refill',
      {
        sloppy: {
          name: 'sloppy',
          description: 'relies on the order of the unit',
          base: slabs,
          sources: ['c/sloppy/sloppy.c'],
          tunables: { ...slabs.tunables },
        },
      },
      {
        // no #include: hk_refill_from_slabs is only known from the unit's order
        'c/sloppy/sloppy.c':
          'static void *hk_refill(hk_heap_t *h, uint32_t cls) { return hk_refill_from_slabs(h, cls, 1); }\n',
      },
    );
    const config = validateConfig(rawConfig({ v: variant({ boxes: { refill: 'sloppy' } }) }, { refill: bad }), {
      rootDir: tmp,
    });
    const failures = await runContractCheck(contractEntries(config).filter((e) => e.slot === 'refill'));
    expect(failures.map((f) => f.entry.file)).toEqual([join(root, 'c/sloppy/sloppy.c')]);
    expect(failures[0]!.diagnostics).toMatch(/unknown type name .hk_heap_t.|hk_refill_from_slabs/);
  });
});

describe('defineBase', () => {
  const url = new URL('file:///nowhere/pkg/dist/index.js');
  it('resolves its root like defineSlot and rejects paths outside the package', () => {
    const b = defineBase(url, {
      name: 'b',
      packageName: 'p',
      include: 'c/common',
      header: 'b.h',
      sources: ['c/common/b.c'],
      tunables: {},
    });
    expect(b.root).toBe('/nowhere/pkg');
    expect(() =>
      defineBase(url, {
        name: 'b',
        packageName: 'p',
        include: '../x',
        header: 'b.h',
        sources: ['c/b.c'],
        tunables: {},
      }),
    ).toThrow(HakmemManifestError);
    expect(() =>
      defineBase(url, { name: 'b', packageName: 'p', include: 'c', header: 'b.h', sources: [], tunables: {} }),
    ).toThrow(/lists no sources/);
  });

  it("a box built on a base must declare the base's tunables, of the same type", () => {
    for (const d of ['no-tunables', 'other-default']) mkdirSync(join(tmp, d), { recursive: true });
    expect(() =>
      fakeSlot(join(tmp, 'no-tunables'), 'refill', {
        x: { name: 'x', description: '', base: slabs, sources: ['c/x.c'], tunables: {} },
      }),
    ).toThrow(/must declare its tunable 'keepSpare'/);
    const keep = { ...slabs.tunables.keepSpare, default: false };
    expect(() =>
      fakeSlot(join(tmp, 'other-default'), 'refill', {
        x: {
          name: 'x',
          description: '',
          base: slabs,
          sources: ['c/x.c'],
          tunables: { ...slabs.tunables, keepSpare: keep },
        },
      }),
    ).not.toThrow();
  });
});

describe('core tunables', () => {
  it('default off, set per variant, checked like a box tunable', () => {
    const c = validateConfig(rawConfig({ a: variant(), b: variant({ tunables: { core: { asserts: true } } }) }), {
      rootDir: '/r',
    });
    expect(c.variants.a!.core).toEqual({ asserts: false });
    expect(c.variants.b!.core).toEqual({ asserts: true });
    expect(() =>
      validateConfig(rawConfig({ v: variant({ tunables: { core: { asserts: 1 } } }) }), { rootDir: '/r' }),
    ).toThrow('variant v: core.asserts must be a boolean, got 1');
    expect(() =>
      validateConfig(rawConfig({ v: variant({ tunables: { core: { nope: true } } }) }), { rootDir: '/r' }),
    ).toThrow('variant v: tunable core.nope unknown; core tunables: asserts');
  });
});
