// The probe names the addon's types allow (ProbeNames, from the slot list native/src/slots.ts)
// are exactly the names the C sources answer: every `strcmp(name, "...")` in a slot's boxes (or, for `core`,
// in native/core/hk_extended.c). A probe added in C without its type, or a type left behind
// by a removed probe, fails here.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_PROBES, SLOTS } from '../../native/src/slots.js';
import { cFiles } from './c-files.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const typed: Record<string, Set<string>> = {
  core: new Set(CORE_PROBES),
  ...Object.fromEntries(SLOTS.map((s) => [s.name, new Set<string>(s.probes)])),
};

const answered = (files: string[]) =>
  new Set(
    files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/strcmp\(\s*name,\s*"(\w+)"\s*\)/g)].map((m) => m[1]!)),
  );

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
    const files =
      slot === 'core' ? [join(root, 'native/core/hk_extended.c')] : cFiles(join(root, 'packages', slot, 'c'));
    expect([...typed[slot]!].sort()).toEqual([...answered(files)].sort());
  });
});
