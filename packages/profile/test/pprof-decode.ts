// A small protobuf decoder for the tests: enough of profile.proto to check what pprof.ts writes.

type Field = bigint | Uint8Array;

/** Field number -> values, in order (varints as bigint, length-delimited as bytes). */
export function decodeMessage(buf: Uint8Array): Map<number, Field[]> {
  const fields = new Map<number, Field[]>();
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const wire = key & 7;
    let v: Field;
    if (wire === 0) v = varint();
    else if (wire === 2) {
      const n = Number(varint());
      v = buf.subarray(i, i + n);
      i += n;
    } else throw new Error(`unexpected wire type ${wire}`);
    fields.set(key >> 3, [...(fields.get(key >> 3) ?? []), v]);
  }
  return fields;
}

const packed = (f: Field[] | undefined): bigint[] =>
  (f ?? []).flatMap((x) => (typeof x === 'bigint' ? [x] : unpack(x)));

function unpack(b: Uint8Array): bigint[] {
  const out: bigint[] = [];
  let i = 0;
  while (i < b.length) {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const x = b[i++]!;
      v |= BigInt(x & 0x7f) << shift;
      if (x < 0x80) break;
      shift += 7n;
    }
    out.push(v);
  }
  return out;
}

const int = (m: Map<number, Field[]>, f: number): bigint => (m.get(f)?.[0] as bigint | undefined) ?? 0n;
const msgs = (m: Map<number, Field[]>, f: number) => (m.get(f) ?? []).map((x) => decodeMessage(x as Uint8Array));

export interface DecodedProfile {
  strings: string[];
  sampleTypes: string[];
  samples: { locations: number[]; values: number[] }[];
  mappings: Map<number, { start: bigint; limit: bigint; offset: bigint; file: string }>;
  locations: Map<number, { mappingId: number; address: bigint; lines: { functionId: number; line: number }[] }>;
  functions: Map<number, { name: string; systemName: string; file: string }>;
  periodType: string;
  period: number;
  defaultSampleType: string;
  comments: string[];
}

export function decodeProfile(buf: Uint8Array): DecodedProfile {
  const p = decodeMessage(buf);
  const strings = (p.get(6) ?? []).map((b) => Buffer.from(b as Uint8Array).toString('utf8'));
  const s = (i: bigint): string => strings[Number(i)]!;
  const vt = (m: Map<number, Field[]>) => `${s(int(m, 1))}/${s(int(m, 2))}`;
  return {
    strings,
    sampleTypes: msgs(p, 1).map(vt),
    samples: msgs(p, 2).map((m) => ({ locations: packed(m.get(1)).map(Number), values: packed(m.get(2)).map(Number) })),
    mappings: new Map(
      msgs(p, 3).map((m) => [
        Number(int(m, 1)),
        { start: int(m, 2), limit: int(m, 3), offset: int(m, 4), file: s(int(m, 5)) },
      ]),
    ),
    locations: new Map(
      msgs(p, 4).map((m) => [
        Number(int(m, 1)),
        {
          mappingId: Number(int(m, 2)),
          address: int(m, 3),
          lines: msgs(m, 4).map((l) => ({ functionId: Number(int(l, 1)), line: Number(int(l, 2)) })),
        },
      ]),
    ),
    functions: new Map(
      msgs(p, 5).map((m) => [Number(int(m, 1)), { name: s(int(m, 2)), systemName: s(int(m, 3)), file: s(int(m, 4)) }]),
    ),
    periodType: msgs(p, 11).map(vt)[0] ?? '',
    period: Number(int(p, 12)),
    defaultSampleType: s(int(p, 14)),
    comments: packed(p.get(13)).map((i) => s(i)),
  };
}
