// The layer rule of docs/contract.md, as a function over file texts: a slot uses only the slots
// before it (native/src/slots.ts), the base (native/base) uses no slot and no core file, and no
// box reaches into the core's own code (native/core). layers.test.ts runs it over the tree and
// over fixtures that break each rule, so the test asserts what the checker really does.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, posix, relative } from 'node:path';

/** A file to check: its path from the repository root (with `/`) and its text. */
export interface LayerFile {
  readonly path: string;
  readonly text: string;
}

/** One include that breaks the rule. */
export interface LayerViolation {
  readonly file: string;
  readonly line: number;
  /** What is included, as the file writes it. */
  readonly include: string;
  /** `<file>:<line>: <from> -> <to>: <why>` */
  readonly message: string;
}

/** Where a file sits: the base (and the public header beside it), a slot, or the core. */
type Layer = { kind: 'base' } | { kind: 'slot'; slot: string } | { kind: 'core' };

const INCLUDE = /^\s*#\s*include\s*"([^"]+)"/;

const describeLayer = (l: Layer): string => (l.kind === 'slot' ? `slot ${l.slot}` : l.kind);

/** The layer of a file from its path; null for a path outside the checked tree. */
function layerOf(path: string): Layer | null {
  if (path.startsWith('native/base/') || path === 'native/include/hakmem.h') return { kind: 'base' };
  if (path.startsWith('native/core/')) return { kind: 'core' };
  const header = /^native\/include\/hakmem\/hk_(\w+)\.h$/.exec(path);
  if (header) return { kind: 'slot', slot: header[1]! };
  const box = /^packages\/([^/]+)\/c\//.exec(path);
  if (box) return { kind: 'slot', slot: box[1]! };
  return null;
}

/**
 * The includes of `files` that break the layer rule, given the slot order and the names of the
 * core's own files (native/core/*). An include resolves as the compiler finds it: beside the
 * including file first, then `hakmem/...` in native/include, then by name in native/base,
 * native/core and the slot packages' C directories (a base header of another package).
 */
export function checkLayers(
  files: readonly LayerFile[],
  slotOrder: readonly string[],
  coreFiles: readonly string[],
): LayerViolation[] {
  const paths = new Set(files.map((f) => f.path));
  const byName = new Map<string, string[]>();
  for (const p of paths) byName.set(basename(p), [...(byName.get(basename(p)) ?? []), p]);
  const resolveInclude = (from: string, name: string): string | null => {
    const beside = posix.normalize(posix.join(posix.dirname(from), name));
    if (paths.has(beside)) return beside;
    if (paths.has(`native/include/${name}`)) return `native/include/${name}`;
    if (paths.has(`native/base/${name}`)) return `native/base/${name}`;
    if (coreFiles.includes(name)) return `native/core/${name}`;
    const found = byName.get(name) ?? [];
    return found.length === 1 ? found[0]! : null;
  };
  const rank = (slot: string): number => slotOrder.indexOf(slot);
  const out: LayerViolation[] = [];
  for (const f of files) {
    const from = layerOf(f.path);
    if (!from || from.kind === 'core') continue;
    f.text.split('\n').forEach((text, i) => {
      const name = INCLUDE.exec(text)?.[1];
      if (name === undefined) return;
      const report = (to: string, why: string): void => {
        out.push({
          file: f.path,
          line: i + 1,
          include: name,
          message: `${f.path}:${i + 1}: ${describeLayer(from)} -> ${to} ("${name}"): ${why}`,
        });
      };
      const target = resolveInclude(f.path, name);
      const to = target === null ? null : layerOf(target);
      if (target === null || to === null) {
        report('unknown', 'a header outside native/base, native/include and the slot packages');
        return;
      }
      const edge = `${describeLayer(to)} (${target})`;
      if (to.kind === 'core') {
        report(edge, "the core's own code: a box or header may include native/base only (hk_services.h)");
        return;
      }
      if (from.kind === 'base') {
        if (to.kind !== 'base') report(edge, 'the base includes no slot: every slot includes the base');
        return;
      }
      if (to.kind !== 'slot' || from.kind !== 'slot') return;
      if (rank(from.slot) < 0) {
        report(edge, `${from.slot} is not in the slot list (native/src/slots.ts)`);
        return;
      }
      if (rank(to.slot) < 0) report(edge, `${to.slot} is not in the slot list (native/src/slots.ts)`);
      else if (rank(to.slot) > rank(from.slot)) {
        report(edge, `a later slot: ${from.slot} may use only the slots before it (a core service reaches later ones)`);
      }
    });
  }
  return out;
}

function walk(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.[ch]$/.test(n) ? [p] : [];
  });
}

/** The files the rule covers in the tree at `root`: native/include, native/base and every
 * slot package's c/ (slots from the list), and the names of the core's own files. */
export function readLayerTree(root: string, slotOrder: readonly string[]): { files: LayerFile[]; coreFiles: string[] } {
  const dirs = [
    join(root, 'native/include'),
    join(root, 'native/base'),
    ...slotOrder.map((s) => join(root, 'packages', s, 'c')),
  ];
  const files = dirs.flatMap(walk).map((p) => ({
    path: relative(root, p).split('\\').join('/'),
    text: readFileSync(p, 'utf8'),
  }));
  return { files, coreFiles: walk(join(root, 'native/core')).map((p) => basename(p)) };
}
