import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runProcess } from '@hakmem/bench';
import { SLOT_ORDER, includeDir, type SlotName } from '@hakmem/native';
import { BASE_CFLAGS, boxIncludeFlags, findToolchain } from './compile.js';
import { CONFIG_HEADER, configHeader, variantJson } from './generate.js';
import { resolveVariantInput, type LoadedConfig, type ResolvedVariant } from './validate.js';

/**
 * The contract check: every C file of every box (its own sources and its base's) and every
 * header compiles alone, against the headers it includes, with nothing before it. A box that
 * calls what its slot's header (or its base's) does not declare, or relies on the order of the
 * generated unit, fails here. The include path has no native/core: a box sees the base
 * (native/base), the slot headers and its own base's header, nothing of the core's code. The same commands, written as compile_commands.json, let an
 * editor (clangd) check each file as it is written.
 */

/** One file checked alone. */
export interface ContractEntry {
  readonly slot: SlotName | 'core';
  readonly box: string;
  readonly file: string;
  readonly directory: string;
  readonly arguments: readonly string[];
}

/** A static function a contract declares and the file uses is defined elsewhere in the unit:
 * gcc says so in a warning no flag turns off. Every other diagnostic is a failure. */
const DECLARED_ELSEWHERE = /used but never defined/;

export const checkDirOf = (rootDir: string): string => resolve(rootDir, '.hakmem', 'check');

/** The config's first variant with `box` in `slot` (tunables at their defaults). */
function variantWith(config: LoadedConfig, slot: SlotName, box: string): ResolvedVariant {
  const base = Object.values(config.variants)[0]!;
  const boxes = Object.fromEntries(SLOT_ORDER.map((s) => [s, base.boxes[s].box]));
  boxes[slot] = box;
  return resolveVariantInput(config.slots, `check-${slot}-${box}`, { description: 'contract check', boxes });
}

/** The commands of the check, one per file; writes each box's config header under .hakmem/check. */
export function contractEntries(config: LoadedConfig, cc = 'gcc'): ContractEntry[] {
  const out: ContractEntry[] = [];
  const seen = new Set<string>();
  for (const slot of SLOT_ORDER) {
    const pkg = config.slots[slot];
    for (const box of Object.keys(pkg.boxes)) {
      let v: ResolvedVariant;
      try {
        v = variantWith(config, slot, box);
      } catch {
        continue; // a box whose requirements the first variant's other boxes do not meet
      }
      const dir = join(checkDirOf(config.rootDir), `${slot}-${box}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, CONFIG_HEADER), configHeader(v, variantJson(v, { cc, cflags: [...BASE_CFLAGS] })));
      const rb = v.boxes[slot];
      const flags = [
        ...BASE_CFLAGS,
        '-fsyntax-only',
        '-include',
        join(dir, CONFIG_HEADER),
        ...boxIncludeFlags(dir, rb.includes),
      ];
      const headers = rb.manifest.base ? [join(rb.includes[0]!, rb.manifest.base.header)] : [];
      for (const file of [join(includeDir, 'hakmem', `hk_${slot}.h`), ...headers, ...rb.sources]) {
        const key = `${slot}/${box}/${file}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const lang = file.endsWith('.h') ? ['-x', 'c'] : [];
        out.push({ slot, box, file, directory: config.rootDir, arguments: [cc, ...flags, ...lang, file] });
      }
    }
  }
  return out;
}

/** compile_commands.json for editors: one entry per file (a file in several boxes keeps its first). */
export function writeCompileCommands(entries: readonly ContractEntry[], path: string): void {
  const byFile = new Map<string, ContractEntry>();
  for (const e of entries) if (!byFile.has(e.file)) byFile.set(e.file, e);
  const json = [...byFile.values()].map((e) => ({ directory: e.directory, file: e.file, arguments: e.arguments }));
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
}

export interface ContractFailure {
  readonly entry: ContractEntry;
  readonly diagnostics: string;
}

async function runOne(e: ContractEntry): Promise<ContractFailure | null> {
  const r = await runProcess(e.arguments[0]!, e.arguments.slice(1), { cwd: e.directory });
  if (r.spawnError !== undefined) return { entry: e, diagnostics: r.spawnError };
  const kept = r.stderr
    .split(/\n(?=\S)/)
    .filter(
      (d) => d.trim() && !DECLARED_ELSEWHERE.test(d.split('\n')[0]!) && !/^In file included from|^\s+from /.test(d),
    )
    .filter((d) => /(warning|error):/.test(d));
  return r.code === 0 && kept.length === 0 ? null : { entry: e, diagnostics: kept.join('\n') || r.stderr };
}

/** Runs every entry (a few at a time); the failures. */
export async function runContractCheck(entries: readonly ContractEntry[], jobs = 4): Promise<ContractFailure[]> {
  findToolchain();
  const failures: ContractFailure[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const f = await runOne(entries[next++]!);
      if (f) failures.push(f);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  return failures;
}
