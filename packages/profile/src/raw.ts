import { readFileSync } from 'node:fs';
import { HakmemError } from '@hakmem/compose';

/** One line of /proc/<pid>/maps. Addresses are bigints: user space on 64-bit spans 47+ bits. */
export interface MapEntry {
  readonly start: bigint;
  readonly end: bigint;
  readonly perms: string;
  readonly offset: bigint;
  readonly dev: string;
  readonly inode: number;
  /** The mapped file, a pseudo name like [vdso] or [heap], or '' for anonymous memory. */
  readonly path: string;
}

/** A `live` or `alloc` line: an estimated weight and its call stack (innermost first). */
export interface RawSample {
  readonly bytes: number;
  readonly count: number;
  /** The block's size (live lines only). */
  readonly size?: number;
  readonly pcs: readonly bigint[];
}

/** A parsed hakmem-profile v1 file (docs/profile-format.md). */
export interface RawProfile {
  readonly file: string;
  readonly variant: string;
  readonly pid: number;
  readonly sampleBytes: number;
  readonly elapsedMs: number;
  readonly reason: string;
  /** The program the process ran when it wrote the profile (its `exe` header, else the maps'). */
  readonly exe: string;
  readonly maps: readonly MapEntry[];
  readonly live: readonly RawSample[];
  readonly alloc: readonly RawSample[];
}

const MAPS_LINE = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S{4})\s+([0-9a-f]+)\s+(\S+)\s+(\d+)\s*(.*)$/;

/** Parses one /proc/<pid>/maps line; undefined when it is not one. */
export function parseMapsLine(line: string): MapEntry | undefined {
  const m = MAPS_LINE.exec(line);
  if (!m) return undefined;
  return {
    start: BigInt(`0x${m[1]}`),
    end: BigInt(`0x${m[2]}`),
    perms: m[3]!,
    offset: BigInt(`0x${m[4]}`),
    dev: m[5]!,
    inode: Number(m[6]),
    path: m[7]!,
  };
}

/** The program of a process by its maps, for profiles without an `exe` header: the lowest
 * mapping of a file (an executable loads below its libraries, PIE or not). */
export function programOfMaps(maps: readonly MapEntry[]): string {
  let best: MapEntry | undefined;
  for (const m of maps) if (m.path.startsWith('/') && (!best || m.start < best.start)) best = m;
  return best?.path ?? '';
}

const HEADER_FIELDS = ['variant', 'pid', 'sample_bytes', 'elapsed_ms', 'reason'] as const;

/** Parses a raw profile's text; `file` names it in errors (with the line number). */
export function parseRawProfile(text: string, file: string): RawProfile {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const fail = (i: number, why: string): never => {
    throw new HakmemError(`${file}:${i + 1}: ${why}`);
  };
  if (lines[0] !== 'hakmem-profile 1') {
    fail(0, `not a hakmem raw profile (expected 'hakmem-profile 1', found '${(lines[0] ?? '').slice(0, 40)}')`);
  }
  if (lines.at(-1) !== 'end') {
    fail(
      Math.max(lines.length - 1, 0),
      "truncated: the last line is not 'end' (the process died while writing it, or is still writing)",
    );
  }
  const header: Record<string, string> = {};
  let i = 1;
  for (; i < lines.length && lines[i] !== 'maps'; i++) {
    const sp = lines[i]!.indexOf(' ');
    if (sp <= 0) fail(i, `expected a '<key> <value>' header line or 'maps', found '${lines[i]}'`);
    header[lines[i]!.slice(0, sp)] = lines[i]!.slice(sp + 1);
  }
  for (const k of HEADER_FIELDS) if (header[k] === undefined) fail(i, `header field '${k}' missing`);
  const int = (k: string): number => {
    const v = Number(header[k]);
    return Number.isInteger(v) && v >= 0 ? v : fail(1, `header field '${k}' is not a number: '${header[k]}'`);
  };
  if (i >= lines.length) fail(i, "no 'maps' section");
  const maps: MapEntry[] = [];
  for (i++; i < lines.length && lines[i] !== 'end maps'; i++) {
    const m = parseMapsLine(lines[i]!);
    if (!m) fail(i, `not a /proc/<pid>/maps line: '${lines[i]}'`);
    else maps.push(m);
  }
  if (i >= lines.length) fail(i, "no 'end maps' line");
  const live: RawSample[] = [];
  const alloc: RawSample[] = [];
  for (i++; i < lines.length - 1; i++) {
    const f = lines[i]!.split(' ');
    const kind = f[0];
    const fixed =
      kind === 'live' ? 4 : kind === 'alloc' ? 3 : fail(i, `expected 'live', 'alloc' or 'end', found '${f[0]}'`);
    const nums = f.slice(1, fixed).map(Number);
    if (f.length < fixed || nums.some((n) => !Number.isInteger(n) || n < 0)) {
      fail(i, `malformed ${kind} line: '${lines[i]}'`);
    }
    const pcs = f.slice(fixed).map((s) => (/^0x[0-9a-f]+$/i.test(s) ? BigInt(s) : fail(i, `bad pc '${s}'`)));
    if (kind === 'live') live.push({ bytes: nums[0]!, count: nums[1]!, size: nums[2]!, pcs });
    else alloc.push({ bytes: nums[0]!, count: nums[1]!, pcs });
  }
  return {
    file,
    variant: header.variant!,
    pid: int('pid'),
    sampleBytes: int('sample_bytes'),
    elapsedMs: int('elapsed_ms'),
    reason: header.reason!,
    exe: header.exe ?? programOfMaps(maps),
    maps,
    live,
    alloc,
  };
}

/** Reads and parses a raw profile file. */
export function readRawProfile(file: string): RawProfile {
  return parseRawProfile(readFileSync(file, 'utf8'), file);
}
