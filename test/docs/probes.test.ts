// The probe names the addon's types allow (ProbeNames in native/src/addon.ts) are exactly the
// names the C sources answer: every `strcmp(name, "...")` in a slot's boxes (or, for `core`,
// in native/core/hk_extended.c). A probe added in C without its type, or a type left behind
// by a removed probe, fails here.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const addon = readFileSync(join(root, 'native/src/addon.ts'), 'utf8');
const body = /export interface ProbeNames \{([^}]*)\}/.exec(addon)![1]!;
const typed = Object.fromEntries(
  [...body.matchAll(/^\s*(\w+): ([^;]+);/gm)].map((m) => [m[1]!, new Set([...m[2]!.matchAll(/'(\w+)'/g)].map((x) => x[1]!))]),
);

function cFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? cFiles(p) : p.endsWith('.c') ? [p] : [];
  });
}
const answered = (files: string[]) =>
  new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/strcmp\(name, "(\w+)"\)/g)].map((m) => m[1]!)));

describe('ProbeNames matches the C probes', () => {
  it('has every slot', () => {
    const slots = readdirSync(join(root, 'packages')).filter((p) => {
      try {
        return readFileSync(join(root, 'packages', p, 'src/index.ts'), 'utf8').includes('defineSlot(');
      } catch {
        return false;
      }
    });
    expect(Object.keys(typed).sort()).toEqual(['core', ...slots].sort());
  });

  it.each(Object.keys(typed))('%s', (slot) => {
    const files = slot === 'core' ? [join(root, 'native/core/hk_extended.c')] : cFiles(join(root, 'packages', slot, 'c'));
    expect([...typed[slot]!].sort()).toEqual([...answered(files)].sort());
  });
});
