// The slot list (native/src/slots.ts) is the one place a slot is declared; this checks that the
// rest of the tree agrees with it: every slot has its package and header, the header declares
// every hook the core calls and the probe, and every box of the slot defines them.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SLOTS, SLOT_HOOKS, hookSuffix, type SlotDecl } from '../../native/src/slots.js';
import { cFiles } from './c-files.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('the slot list', () => {
  it('names every slot package, and only those', () => {
    const packages = readdirSync(join(root, 'packages')).filter((p) => {
      const index = join(root, 'packages', p, 'src/index.ts');
      return existsSync(index) && readFileSync(index, 'utf8').includes('defineSlot(');
    });
    expect(SLOTS.map((s) => s.name).sort()).toEqual(packages.sort());
  });

  it('uses only known hooks', () => {
    for (const s of SLOTS) for (const h of s.hooks) expect(Object.keys(SLOT_HOOKS)).toContain(h);
  });

  it('names as optional only hooks of the slot', () => {
    for (const s of SLOTS) for (const h of (s as SlotDecl).optional ?? []) expect(s.hooks).toContain(h);
  });

  it('leaves no hand-written empty hook in a box: an optional hook is left out instead', () => {
    for (const s of SLOTS) {
      const pkgDir = join(root, 'packages', s.name, 'c');
      for (const f of cFiles(pkgDir)) {
        const text = readFileSync(f, 'utf8');
        for (const h of s.hooks)
          expect(
            new RegExp(`static void hk_${s.name}_${hookSuffix(h)}\\(void\\) \\{\\s*\\}`).test(text),
            `${f}: hk_${s.name}_${hookSuffix(h)} is empty; leave it out${((s as SlotDecl).optional ?? []).includes(h) ? '' : ` and add '${h}' to the slot's optional hooks`}`,
          ).toBe(false);
      }
    }
  });

  it.each(SLOTS.map((s) => [s.name, s] as const))(
    '%s: the header declares, and every box defines, each hook and the probe',
    (name, s) => {
      const header = readFileSync(join(root, 'native/include/hakmem', `hk_${name}.h`), 'utf8');
      const decls = [
        ...s.hooks.map((h) => `static void hk_${name}_${hookSuffix(h)}(void);`),
        `static int hk_${name}_probe(enum hk_${name}_probe p, int64_t arg, int64_t *out);`,
      ];
      for (const d of decls) expect(header, `hk_${name}.h declares ${d}`).toContain(d);
      // an optional hook a box may leave out: the composer defines it empty
      const optional = new Set(((s as SlotDecl).optional ?? []).map((h) => `hk_${name}_${hookSuffix(h)}`));
      const fns = decls.map((d) => /(hk_\w+)\(/.exec(d)![1]!).filter((f) => !optional.has(f));
      // Every box: its own sources plus the slot's common/ (as its manifest lists them).
      const pkgDir = join(root, 'packages', name, 'c');
      const common = existsSync(join(pkgDir, 'common')) ? cFiles(join(pkgDir, 'common')) : [];
      const boxes = readdirSync(pkgDir).filter((b) => b !== 'common' && statSync(join(pkgDir, b)).isDirectory());
      expect(boxes.length).toBeGreaterThan(0);
      for (const box of boxes) {
        const text = [...cFiles(join(pkgDir, box)), ...common].map((f) => readFileSync(f, 'utf8')).join('\n');
        for (const f of fns) {
          expect(
            new RegExp(`static (?:HK_\\w+ )*(?:void|int) ${f}\\([^)]*\\) \\{`).test(text),
            `${name}/${box} defines ${f}`,
          ).toBe(true);
        }
        // the probe: a switch over the slot's enum with no default, so -Werror=switch holds
        // every probe of the slot list to a case (the contract in the slot header)
        const probe = new RegExp(`static int hk_${name}_probe\\([^)]*\\) \\{\\n([\\s\\S]*?)\\n\\}\\n`).exec(text);
        expect(probe, `${name}/${box} defines hk_${name}_probe`).not.toBeNull();
        const body = probe![1]!;
        const delegated = /^\s*return (hk_\w+_probe)\(p, /m.exec(body);
        if (!delegated || /switch \(p\)/.test(body)) {
          expect(body, `${name}/${box}: hk_${name}_probe switches over its probe`).toMatch(/switch \(p\) \{/);
          expect(body, `${name}/${box}: hk_${name}_probe has no default`).not.toMatch(/\bdefault\s*:/);
        }
      }
    },
  );
});
