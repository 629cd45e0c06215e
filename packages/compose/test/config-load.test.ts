import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineSlot, HakmemManifestError, SLOT_ORDER } from '@hakmem/native';
import { findConfig, HakmemConfigError, importConfig, loadConfig } from './internal.js';
import { configSource, repoRoot, slots, tempDir } from './helpers.js';

describe('slot manifests', () => {
  it('every slot package declares its slot, package, root and boxes', () => {
    for (const slot of SLOT_ORDER) {
      const pkg = slots[slot];
      expect(pkg.slot).toBe(slot);
      expect(pkg.packageName).toBe(`@hakmem/${slot}`);
      expect(pkg.root).toBe(join(repoRoot, 'packages', slot));
      expect(existsSync(join(pkg.root, 'package.json'))).toBe(true);
      for (const [name, box] of Object.entries(pkg.boxes)) {
        expect(box.name).toBe(name);
        // the box's own file, plus shared files of the slot under c/common/
        expect(box.sources).toContain(`c/${name}/hk_${slot}_${name}.c`);
        for (const src of box.sources) {
          expect(src).toMatch(new RegExp(`^c/(${name}|common)/hk_${slot}_[a-z_]+\\.c$`));
          expect(existsSync(join(pkg.root, src))).toBe(true);
        }
      }
    }
  });

  it('defineSlot refuses a malformed manifest', () => {
    const url = import.meta.url;
    const box = { name: 'b', description: '', sources: ['c/b/b.c'], tunables: {} };
    expect(() => defineSlot(url, { slot: 'front', packageName: 'p', boxes: { b: { ...box, name: 'c' } } })).toThrow(
      HakmemManifestError,
    );
    expect(() =>
      defineSlot(url, { slot: 'front', packageName: 'p', boxes: { b: { ...box, sources: ['/abs/b.c'] } } }),
    ).toThrow(/relative to the package root/);
    expect(() =>
      defineSlot(url, {
        slot: 'front',
        packageName: 'p',
        boxes: { b: { ...box, tunables: { n: { type: 'int', default: 1, min: 2, max: 3, description: '' } } } },
      }),
    ).toThrow(/default 1 outside \[2, 3\]/);
    expect(() =>
      defineSlot(url, {
        slot: 'front',
        packageName: 'p',
        boxes: {
          b: { ...box, tunables: { e: { type: 'enum', values: ['a'], default: 'z' as 'a', description: '' } } },
        },
      }),
    ).toThrow(/not among values/);
  });
});

describe('loading hakmem.config.ts', () => {
  it('finds the repository config by walking up, and loads it', async () => {
    expect(findConfig(join(repoRoot, 'packages', 'compose', 'src'))).toBe(join(repoRoot, 'hakmem.config.ts'));
    const c = await loadConfig(join(repoRoot, 'hakmem.config.ts'));
    expect(c.rootDir).toBe(repoRoot);
    expect(Object.keys(c.variants)).toContain('default');
    const v = c.variants.default!;
    // the default variant runs every slot's default box
    expect(Object.fromEntries(SLOT_ORDER.map((s) => [s, v.boxes[s].box]))).toEqual(
      Object.fromEntries(SLOT_ORDER.map((s) => [s, c.slots[s].defaultBox])),
    );
    expect(v.boxes).toMatchObject({
      stats: { box: 'off' },
      purge: { box: 'background' },
      front: { box: 'tcache' },
      block: { box: 'fast' },
    });
    // The root config leaves no temporary bundle behind.
    expect(readdirSync(repoRoot).filter((f) => f.includes('.tmp.mjs'))).toEqual([]);
  });

  it('loads a TS config from another directory, and a plain JS one', async () => {
    const t = tempDir('load');
    try {
      writeFileSync(join(t.dir, 'hakmem.config.ts'), configSource('mine', '{ front: { maxBlocks: 128 } }'));
      mkdirSync(join(t.dir, 'deep', 'er'), { recursive: true });
      expect(findConfig(join(t.dir, 'deep', 'er'))).toBe(join(t.dir, 'hakmem.config.ts'));
      const c = await loadConfig(join(t.dir, 'hakmem.config.ts'));
      expect(c.rootDir).toBe(t.dir);
      expect(c.variants.mine!.tunables.front.maxBlocks).toBe(128);
      expect(readdirSync(t.dir).sort()).toEqual(['deep', 'hakmem.config.ts']);

      const js = join(t.dir, 'plain.mjs');
      writeFileSync(
        js,
        configSource('plain', '{ front: { maxBlocks: 99999 } }').replace(
          "import { defineConfig } from '@hakmem/compose';",
          'const defineConfig = (c) => c;',
        ),
      );
      await expect(loadConfig(js)).rejects.toThrow('variant plain: front.maxBlocks = 99999 is out of range [8, 4096]');
    } finally {
      t.cleanup();
    }
  });

  it('stops the search at the project: the nearest package.json, or its workspace root', () => {
    const t = tempDir('discover');
    try {
      const parent = join(t.dir, 'parent');
      const child = join(parent, 'child');
      mkdirSync(join(child, 'src'), { recursive: true });
      writeFileSync(join(parent, 'hakmem.config.ts'), configSource('p', '{}'));
      // no package.json in between: the parent's config is found
      expect(findConfig(join(child, 'src'))).toBe(join(parent, 'hakmem.config.ts'));
      // child is a project of its own: the config above it belongs to someone else
      writeFileSync(join(child, 'package.json'), '{"name":"child"}');
      expect(() => findConfig(join(child, 'src'))).toThrow(HakmemConfigError);
      expect(() => findConfig(join(child, 'src'))).toThrow(
        `no hakmem.config.ts in ${join(child, 'src')} or a parent directory up to the project at ${child} (the search stops at the nearest package.json)`,
      );
      expect(() => findConfig(child)).toThrow(/the project: the search stops at the nearest package.json/);
      // a config in the project itself is found
      writeFileSync(join(child, 'hakmem.config.ts'), configSource('c', '{}'));
      expect(findConfig(join(child, 'src'))).toBe(join(child, 'hakmem.config.ts'));
      rmSync(join(child, 'hakmem.config.ts'));
      // child as a package of a workspace rooted at parent: the workspace root's config is found
      writeFileSync(join(parent, 'pnpm-workspace.yaml'), "packages:\n  - 'chi*'\nallowBuilds:\n  - child\n");
      expect(findConfig(join(child, 'src'))).toBe(join(parent, 'hakmem.config.ts'));
      // ... but not when the workspace does not list it
      writeFileSync(join(parent, 'pnpm-workspace.yaml'), "packages:\n  - 'packages/**'\nallowBuilds:\n  - child\n");
      expect(() => findConfig(join(child, 'src'))).toThrow(HakmemConfigError);
      rmSync(join(parent, 'pnpm-workspace.yaml'));
      writeFileSync(join(parent, 'package.json'), '{"name":"root","workspaces":["*"]}');
      expect(findConfig(join(child, 'src'))).toBe(join(parent, 'hakmem.config.ts'));
      writeFileSync(join(parent, 'package.json'), '{"name":"root","workspaces":["*", "!child"]}');
      expect(() => findConfig(join(child, 'src'))).toThrow(
        `no hakmem.config.ts in ${join(child, 'src')} or a parent directory up to the project at ${child}`,
      );
      // a plain package.json above (not a workspace) does not widen the search
      writeFileSync(join(parent, 'package.json'), '{"name":"other"}');
      expect(() => findConfig(join(child, 'src'))).toThrow(HakmemConfigError);
    } finally {
      t.cleanup();
    }
  });

  it('serves a slot the config leaves out from its default package, with its default box', async () => {
    const t = tempDir('defaults');
    try {
      // A config written before the purge slot existed: no purge package, no purge box.
      writeFileSync(
        join(t.dir, 'hakmem.config.ts'),
        `import { defineConfig } from '@hakmem/compose';
import front from '@hakmem/front';

export default defineConfig({
  slots: { front },
  variants: { old: { description: 'from before purge', boxes: { front: 'magazine' }, tunables: { front: { maxBytes: 4096 } } } },
});
`,
      );
      const c = await loadConfig(join(t.dir, 'hakmem.config.ts'));
      const v = c.variants.old!;
      expect(v.boxes.front.box).toBe('magazine');
      expect(v.tunables.front.maxBytes).toBe(4096);
      expect(v.boxes.purge).toMatchObject({ box: 'background', packageName: '@hakmem/purge' });
      expect(Object.fromEntries(SLOT_ORDER.map((s) => [s, c.slots[s].packageName]))).toEqual(
        Object.fromEntries(SLOT_ORDER.map((s) => [s, `@hakmem/${s}`])),
      );
    } finally {
      t.cleanup();
    }
  });

  it('reports a config that does not compile or has no default export', async () => {
    const t = tempDir('broken');
    try {
      const bad = join(t.dir, 'bad.config.ts');
      writeFileSync(bad, 'export default {{;\n');
      await expect(importConfig(bad)).rejects.toThrow(HakmemConfigError);
      await expect(importConfig(bad)).rejects.toThrow(`cannot compile ${bad}: Unexpected token at ${bad}:1:16`);
      // an error the config throws, or an import it cannot resolve, names the config
      const throws = join(t.dir, 'throws.config.ts');
      writeFileSync(throws, "const n: number = 1;\nif (n) throw new Error('boom');\nexport default {};\n");
      await expect(importConfig(throws)).rejects.toThrow(`cannot load ${throws}: boom`);
      writeFileSync(throws, "JSON.parse('{');\nexport default {};\n");
      await expect(importConfig(throws)).rejects.toThrow(`cannot load ${throws}: Expected property name`);
      const missing = join(t.dir, 'missing.config.ts');
      writeFileSync(missing, "import x from '@hakmem/no-such-box';\nexport default x;\n");
      await expect(importConfig(missing)).rejects.toThrow(
        `cannot load ${missing}: Cannot find module '@hakmem/no-such-box'`,
      );
      await expect(importConfig(missing)).rejects.toThrow(/are the @hakmem packages it imports installed/);
      const none = join(t.dir, 'none.config.ts');
      writeFileSync(none, 'export const x: number = 1;\n');
      await expect(importConfig(none)).rejects.toThrow(/no default export/);
      await expect(importConfig(join(t.dir, 'missing.ts'))).rejects.toThrow(/config not found/);
      // nothing is written beside the configs
      expect(readdirSync(t.dir).sort()).toEqual([
        'bad.config.ts',
        'missing.config.ts',
        'none.config.ts',
        'throws.config.ts',
      ]);
    } finally {
      t.cleanup();
    }
  });
});
