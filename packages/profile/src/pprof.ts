import { gzipSync } from 'node:zlib';
import { readBuildId } from './elf.js';
import type { MapEntry, RawProfile } from './raw.js';
import type { Location, Profile, Sample } from './symbolize.js';

const DELETED = ' (deleted)'; // a file replaced since it was mapped, as /proc/<pid>/maps says

/** The mapping of a process's program that pprof names it by: its executable one, else its first. */
export function mainMapping(raw: RawProfile): MapEntry | undefined {
  const own = raw.maps.filter((m) => m.path === raw.exe);
  return own.find((m) => m.perms.includes('x')) ?? own[0];
}

/**
 * A minimal protobuf writer: varints and length-delimited fields, enough for profile.proto
 * (github.com/google/pprof/blob/main/proto/profile.proto). Zero scalars are omitted, as
 * proto3 does.
 */
class Pb {
  private readonly out: number[] = [];

  private varint(v: bigint | number): void {
    let n = BigInt(v);
    if (n < 0n) n += 1n << 64n; // int64 two's complement: 10 bytes
    while (n >= 0x80n) {
      this.out.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.out.push(Number(n));
  }

  /** A varint field (wire type 0). */
  int(field: number, v: bigint | number | boolean): this {
    const n = typeof v === 'boolean' ? Number(v) : v;
    if (n === 0 || n === 0n) return this;
    this.varint(field << 3);
    this.varint(n);
    return this;
  }

  /** A length-delimited field (wire type 2): bytes, a string or an embedded message. */
  bytes(field: number, b: Uint8Array | string): this {
    const buf = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
    this.varint((field << 3) | 2);
    this.varint(buf.length);
    for (const x of buf) this.out.push(x);
    return this;
  }

  /** A packed repeated varint field. */
  packed(field: number, values: readonly (bigint | number)[]): this {
    if (values.length === 0) return this;
    const inner = new Pb();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** The two values of each sample: [count, bytes], named as Go's heap profiles name them. */
export type PprofKind = 'inuse' | 'alloc';

/** Encodes `kind` samples of `profile` as an uncompressed profile.proto message. */
export function encodeProfile(profile: Profile, kind: PprofKind): Uint8Array {
  const strings = new Map<string, number>([['', 0]]);
  const str = (s: string): number => {
    let i = strings.get(s);
    if (i === undefined) strings.set(s, (i = strings.size));
    return i;
  };
  const pb = new Pb();
  const valueType = (type: string, unit: string) => new Pb().int(1, str(type)).int(2, str(unit)).finish();
  pb.bytes(1, valueType(`${kind}_objects`, 'count'));
  pb.bytes(1, valueType(`${kind}_space`, 'bytes'));

  const samples: readonly Sample[] = kind === 'inuse' ? profile.live : profile.alloc;
  const locIds = new Map<Location, number>();
  for (const s of samples) {
    const ids = s.stack.map((l) => {
      let id = locIds.get(l);
      if (id === undefined) locIds.set(l, (id = locIds.size + 1));
      return id;
    });
    pb.bytes(2, new Pb().packed(1, ids).packed(2, [s.count, s.bytes]).finish());
  }

  // mappings: one per /proc/maps line that holds a location, per process; the first process's
  // program first, held or not (pprof names a profile by mapping 1)
  const mappings = new Map<string, { id: number; m: MapEntry }>();
  const mappingId = (pid: number, m: MapEntry): number => {
    const k = `${pid}:${m.start}`;
    let e = mappings.get(k);
    if (!e) mappings.set(k, (e = { id: mappings.size + 1, m }));
    return e.id;
  };
  const main = profile.raws[0] && mainMapping(profile.raws[0]);
  if (main) mappingId(profile.raws[0]!.pid, main);
  const funcs = new Map<string, number>();
  const locs: Uint8Array[] = [];
  const fnMsgs: Uint8Array[] = [];
  for (const [l, id] of locIds) {
    const loc = new Pb()
      .int(1, id)
      .int(2, l.mapping ? mappingId(l.pid, l.mapping) : 0)
      .int(3, l.pc);
    // line[0] is the innermost (inlined) function, the last the one it was inlined into
    for (const f of l.frames) {
      const fk = `${f.fn}\0${f.file ?? ''}`;
      let fid = funcs.get(fk);
      if (fid === undefined) {
        funcs.set(fk, (fid = funcs.size + 1));
        fnMsgs.push(
          new Pb()
            .int(1, fid)
            .int(2, str(f.fn))
            .int(3, str(f.fn))
            .int(4, str(f.file ?? ''))
            .finish(),
        );
      }
      loc.bytes(
        4,
        new Pb()
          .int(1, fid)
          .int(2, f.line ?? 0)
          .finish(),
      );
    }
    locs.push(loc.finish());
  }
  const buildIds = new Map<string, string>();
  const buildId = (path: string): string => {
    let b = buildIds.get(path);
    if (b === undefined) buildIds.set(path, (b = path.startsWith('/') ? (readBuildId(path) ?? '') : ''));
    return b;
  };
  for (const { id, m } of mappings.values()) {
    const file = m.path.endsWith(DELETED) ? m.path.slice(0, -DELETED.length) : m.path;
    // has_functions etc.: symbolised already, so pprof does not try again
    pb.bytes(
      3,
      new Pb()
        .int(1, id)
        .int(2, m.start)
        .int(3, m.end)
        .int(4, m.offset)
        .int(5, str(file))
        .int(6, str(buildId(file)))
        .int(7, true)
        .int(8, true)
        .int(9, true)
        .int(10, true)
        .finish(),
    );
  }
  for (const l of locs) pb.bytes(4, l);
  for (const f of fnMsgs) pb.bytes(5, f);

  const raw0 = profile.raws[0];
  const comment = str(
    `hakmem ${kind} profile: variant ${raw0?.variant ?? '?'}, pid ${profile.raws.map((r) => r.pid).join(', ')}`,
  );
  const periodType = valueType('space', 'bytes');
  const defaultType = str(`${kind}_space`);
  for (const s of strings.keys()) pb.bytes(6, s);
  pb.int(10, BigInt(Math.max(0, ...profile.raws.map((r) => r.elapsedMs))) * 1_000_000n);
  pb.bytes(11, periodType);
  pb.int(12, raw0?.sampleBytes ?? 0);
  pb.packed(13, [comment]);
  pb.int(14, defaultType);
  return pb.finish();
}

/** The gzipped profile, as pprof and speedscope read it. */
export const pprofGz = (profile: Profile, kind: PprofKind): Buffer => gzipSync(encodeProfile(profile, kind));
