// Every slot package's manifest (defineSlot, which checks names, tunables and bases as it loads)
// against the tree: it names its own package.json, every file it lists exists, and each box's
// own source follows the naming rule (c/<box>/hk_<slot>_<box>.c), so `hakmem build` and the
// contract check find what the manifest promises. What each box does is tested by its package's
// native tests through a real build; this file replaces twelve tests that restated manifests.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SLOTS } from '../../native/src/slots.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Manifest {
  slot: string;
  packageName: string;
  root: string;
  defaultBox: string;
  boxes: Record<
    string,
    {
      sources: readonly string[];
      base?: { name: string; root: string; include: string; header: string; sources: readonly string[] };
    }
  >;
}

describe('slot package manifests', () => {
  it.each(SLOTS.map((s) => [s.name] as const))('%s: loads, names its package, lists files that exist', async (slot) => {
    const dir = join(root, 'packages', slot);
    const m = (await import(pathToFileURL(join(dir, 'src/index.ts')).href)).default as Manifest;
    expect(m.slot).toBe(slot);
    expect(m.root).toBe(dir);
    expect(m.packageName).toBe(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name);
    expect(Object.keys(m.boxes)).toContain(m.defaultBox);
    for (const [name, box] of Object.entries(m.boxes)) {
      for (const src of box.sources) expect(existsSync(join(dir, src)), `${slot}/${name}: ${src}`).toBe(true);
      expect(box.sources.at(-1), `${slot}/${name}: its own source last`).toBe(`c/${name}/hk_${slot}_${name}.c`);
      const base = box.base;
      if (!base) continue;
      expect(base.root, `${slot}/${name}: base ${base.name} from this package`).toBe(dir);
      expect(existsSync(join(dir, base.include, base.header)), `${slot}: base header ${base.header}`).toBe(true);
      for (const src of base.sources) expect(existsSync(join(dir, src)), `${slot}: base source ${src}`).toBe(true);
    }
  });
});
