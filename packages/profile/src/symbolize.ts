import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { HakmemError } from '@hakmem/compose';
import { fileOffsetToVaddr, readElfLoads, type ElfLoads } from './elf.js';
import type { MapEntry, RawProfile, RawSample } from './raw.js';

/** One function at a pc: addr2line -i gives the function, then those it was inlined into. */
export interface Frame {
  readonly fn: string;
  readonly file?: string;
  readonly line?: number;
}

/** A symbolised pc: where it lies and its frames, innermost (inlined) first. */
export interface Location {
  /** `<object>@<file offset>`: the same code in two processes has the same key. */
  readonly key: string;
  /** The pc as recorded (in the first process that had it). */
  readonly pc: bigint;
  readonly pid: number;
  /** The mapped file ('' when the pc lies in no mapping). */
  readonly object: string;
  readonly mapping?: MapEntry;
  readonly fileOffset?: bigint;
  readonly frames: readonly Frame[];
}

/** A sample with its stack symbolised, innermost first, hakmem's own leading frames dropped. */
export interface Sample {
  readonly bytes: number;
  readonly count: number;
  readonly size?: number;
  readonly stack: readonly Location[];
}

/** Every raw profile of a run, symbolised and merged. */
export interface Profile {
  readonly raws: readonly RawProfile[];
  readonly alloc: readonly Sample[];
  readonly live: readonly Sample[];
  /** Every location, in first-seen order (pprof ids are index + 1). */
  readonly locations: readonly Location[];
  /** Distinct pcs symbolised and the files they lay in. */
  readonly pcs: number;
  readonly files: number;
}

export interface SymbolizeOptions {
  /** The addr2line binary (default: addr2line on PATH). */
  readonly addr2line?: string;
  /** Told how much work there is before it starts. */
  readonly onStart?: (pcs: number, files: number) => void;
}

const MALLOC_FAMILY = new Set([
  'malloc',
  'calloc',
  'realloc',
  'free',
  'posix_memalign',
  'aligned_alloc',
  'memalign',
  'valloc',
  'pvalloc',
]);

/**
 * hakmem's own functions, dropped from the top of each stack so the innermost frame left is
 * the program's call site: hk_*, the malloc family, operator new/new[] in every form (demangled,
 * or mangled when a file has no demangled name: _Znwm, _Znam, _ZnwmRKSt9nothrow_t, ...).
 */
export function isHakmemFunction(fn: string): boolean {
  if (fn.startsWith('hk_') || fn.startsWith('_Znw') || fn.startsWith('_Zna')) return true;
  if (/^operator new(\[\])?(\(|$)/.test(fn)) return true;
  return MALLOC_FAMILY.has(fn.replace(/\(.*$/, ''));
}

/** A mapping of the hakmem library itself (libhakmem.so, libhakmem-<variant>.so, ...). */
export const isHakmemObject = (object: string): boolean => /^libhakmem[^/]*\.so/.test(basename(object));

const isHakmemLocation = (l: Location): boolean =>
  isHakmemObject(l.object) || l.frames.some((f) => isHakmemFunction(f.fn));

/** The mapping holding `pc` (maps are sorted by address, as the kernel writes them). */
function findMapping(maps: readonly MapEntry[], pc: bigint): MapEntry | undefined {
  let lo = 0;
  let hi = maps.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = maps[mid]!;
    if (pc < m.start) hi = mid - 1;
    else if (pc >= m.end) lo = mid + 1;
    else return m;
  }
  return undefined;
}

const hex = (n: bigint): string => `0x${n.toString(16)}`;
const DELETED = ' (deleted)';

/**
 * Parses `addr2line -a -f -C -i` output: per address a `0x...` line, then one function line and
 * one `file:line` line per frame, innermost first.
 */
export function parseAddr2line(out: string): Frame[][] {
  const lines = out.split('\n');
  const result: Frame[][] = [];
  let i = 0;
  while (i < lines.length) {
    if (!/^0x[0-9a-f]+$/.test(lines[i]!)) {
      i++;
      continue;
    }
    const frames: Frame[] = [];
    for (i++; i + 1 < lines.length && !/^0x[0-9a-f]+$/.test(lines[i]!); i += 2) {
      const m = /^(.*):(\d+|\?)(?: \(discriminator \d+\))?$/.exec(lines[i + 1]!);
      const file = m && m[1] !== '??' ? m[1] : undefined;
      const line = m && m[2] !== '?' && m[2] !== '0' ? Number(m[2]) : undefined;
      frames.push({ fn: lines[i]!, ...(file ? { file } : {}), ...(line ? { line } : {}) });
    }
    result.push(frames);
  }
  return result;
}

/** Symbolises `vaddrs` of one file through one addr2line process (the addresses on stdin). */
function addr2line(bin: string, file: string, vaddrs: readonly bigint[]): Frame[][] | undefined {
  const r = spawnSync(bin, ['-a', '-f', '-C', '-i', '-e', file], {
    input: vaddrs.map(hex).join('\n'),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new HakmemError(`${bin} not found: hakmem profile symbolises with binutils (apt-get install binutils)`);
  }
  if (r.status !== 0) return undefined;
  const frames = parseAddr2line(r.stdout);
  return frames.length === vaddrs.length ? frames : undefined;
}

interface Pending {
  readonly pid: number;
  readonly pc: bigint;
  readonly object: string;
  readonly mapping?: MapEntry;
  readonly fileOffset?: bigint;
}

/**
 * Symbolises every pc of `raws` outside the process: pc -> mapping (from the maps recorded at
 * dump time) -> file offset -> ELF vaddr (PT_LOAD headers) -> addr2line, batched per file and
 * cached by (file, offset), so pcs repeated across stacks and processes cost one lookup.
 * A file that is gone or has no symbols gives `file+0xoffset` names.
 */
export function symbolize(raws: readonly RawProfile[], opts: SymbolizeOptions = {}): Profile {
  const bin = opts.addr2line ?? 'addr2line';
  // 1. where each pc lies: keyed per process (addresses differ between processes)
  const pending = new Map<string, Pending>(); // key -> first pc seen
  const keyOf = new Map<string, string>(); // `${pid}:${pc}` -> key
  const byFile = new Map<string, bigint[]>();
  for (const raw of raws) {
    for (const s of [...raw.alloc, ...raw.live]) {
      for (const pc of s.pcs) {
        const pk = `${raw.pid}:${pc}`;
        if (keyOf.has(pk)) continue;
        const m = findMapping(raw.maps, pc);
        const object = m?.path.endsWith(DELETED) ? m.path.slice(0, -DELETED.length) : (m?.path ?? '');
        const fileOffset = m ? m.offset + (pc - m.start) : undefined;
        const key = m ? `${object}@${hex(fileOffset!)}` : `@${hex(pc)}`;
        keyOf.set(pk, key);
        if (pending.has(key)) continue;
        pending.set(key, { pid: raw.pid, pc, object, ...(m ? { mapping: m, fileOffset } : {}) });
        if (m && object.startsWith('/')) {
          const offsets = byFile.get(object);
          if (offsets) offsets.push(fileOffset!);
          else byFile.set(object, [fileOffset!]);
        }
      }
    }
  }
  opts.onStart?.(pending.size, byFile.size);

  // 2. one addr2line per file, on the call instruction (return address - 1)
  const symbols = new Map<string, Frame[]>(); // key -> frames
  for (const [file, offsets] of byFile) {
    let elf: ElfLoads | undefined;
    try {
      elf = existsSync(file) ? readElfLoads(file) : undefined;
    } catch {
      elf = undefined; // not ELF, or unreadable: named by offset below
    }
    if (!elf) continue;
    const known = offsets.flatMap((o) => {
      const v = fileOffsetToVaddr(elf, o);
      return v === undefined ? [] : [{ o, v }];
    });
    const frames = known.length
      ? addr2line(
          bin,
          file,
          known.map((k) => k.v - 1n),
        )
      : undefined;
    known.forEach((k, i) => {
      const f = frames?.[i]?.filter((fr) => fr.fn !== '??');
      if (f?.length) symbols.set(`${file}@${hex(k.o)}`, f);
    });
  }

  // 3. locations, then samples with hakmem's leading frames dropped
  const locations = new Map<string, Location>();
  for (const [key, p] of pending) {
    const name = p.object ? `${basename(p.object)}+${hex(p.fileOffset!)}` : hex(p.pc);
    locations.set(key, { key, ...p, frames: symbols.get(key) ?? [{ fn: name }] });
  }
  const convert = (raw: RawProfile, samples: readonly RawSample[]): Sample[] =>
    samples.map((s) => {
      const stack = s.pcs.map((pc) => locations.get(keyOf.get(`${raw.pid}:${pc}`)!)!);
      let drop = 0;
      while (drop < stack.length && isHakmemLocation(stack[drop]!)) drop++;
      return {
        bytes: s.bytes,
        count: s.count,
        ...(s.size !== undefined ? { size: s.size } : {}),
        stack: stack.slice(drop),
      };
    });
  return {
    raws,
    alloc: raws.flatMap((r) => convert(r, r.alloc)),
    live: raws.flatMap((r) => convert(r, r.live)),
    locations: [...locations.values()],
    pcs: pending.size,
    files: byFile.size,
  };
}
