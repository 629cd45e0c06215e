import { closeSync, openSync, readSync } from 'node:fs';

/** A PT_LOAD program header: file bytes [offset, offset+filesz) load at vaddr. */
export interface LoadSegment {
  readonly offset: bigint;
  readonly vaddr: bigint;
  readonly filesz: bigint;
  readonly memsz: bigint;
}

export interface ElfLoads {
  /** ET_EXEC (2): a non-PIE executable, vaddrs are absolute; ET_DYN (3): PIE or shared library. */
  readonly type: number;
  readonly segments: readonly LoadSegment[];
}

const PT_LOAD = 1;
const PT_NOTE = 4;
const NT_GNU_BUILD_ID = 3;

/** The byte range of the program header table, from the first 64 bytes of an ELF file. */
function phdrTable(head: Buffer): {
  is64: boolean;
  le: boolean;
  type: number;
  phoff: number;
  size: number;
  num: number;
} {
  if (head.length < 52 || head.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  const is64 = head[4] === 2;
  const le = head[5] === 1;
  const u16 = (o: number) => (le ? head.readUInt16LE(o) : head.readUInt16BE(o));
  const u32 = (o: number) => (le ? head.readUInt32LE(o) : head.readUInt32BE(o));
  const u64 = (o: number) => Number(le ? head.readBigUInt64LE(o) : head.readBigUInt64BE(o));
  if (is64 && head.length < 64) throw new Error('truncated ELF header');
  return is64
    ? { is64, le, type: u16(16), phoff: u64(32), size: u16(54), num: u16(56) }
    : { is64, le, type: u16(16), phoff: u32(28), size: u16(42), num: u16(44) };
}

/**
 * The PT_LOAD segments of an ELF file whose first bytes (at least through the program header
 * table) are in `buf`. 32- and 64-bit, either byte order.
 */
export function parseElfLoads(buf: Buffer): ElfLoads {
  const t = phdrTable(buf);
  if (t.phoff + t.size * t.num > buf.length) throw new Error('truncated ELF program headers');
  const segments: LoadSegment[] = [];
  for (let i = 0; i < t.num; i++) {
    const p = t.phoff + i * t.size;
    const u32 = (o: number) => BigInt(t.le ? buf.readUInt32LE(p + o) : buf.readUInt32BE(p + o));
    const u64 = (o: number) => (t.le ? buf.readBigUInt64LE(p + o) : buf.readBigUInt64BE(p + o));
    if (Number(u32(0)) !== PT_LOAD) continue;
    segments.push(
      t.is64
        ? { offset: u64(8), vaddr: u64(16), filesz: u64(32), memsz: u64(40) }
        : { offset: u32(4), vaddr: u32(8), filesz: u32(16), memsz: u32(20) },
    );
  }
  return { type: t.type, segments };
}

/** Reads only the ELF header and program headers of `file` (a shared library can be 100+ MB). */
export function readElfLoads(file: string): ElfLoads {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const n = readSync(fd, head, 0, 64, 0);
    const t = phdrTable(head.subarray(0, n));
    const buf = Buffer.alloc(t.phoff + t.size * t.num);
    readSync(fd, buf, 0, buf.length, 0);
    return parseElfLoads(buf);
  } finally {
    closeSync(fd);
  }
}

/**
 * The link-time virtual address (what addr2line and nm speak) of a byte at `fileOffset` in the
 * file: found through the PT_LOAD segment that holds it. The same for PIE executables, shared
 * libraries (vaddrs from 0) and non-PIE executables (absolute vaddrs). Undefined when no
 * segment holds it.
 */
export function fileOffsetToVaddr(elf: ElfLoads, fileOffset: bigint): bigint | undefined {
  for (const s of elf.segments) {
    if (fileOffset >= s.offset && fileOffset < s.offset + (s.filesz > 0n ? s.filesz : s.memsz)) {
      return fileOffset - s.offset + s.vaddr;
    }
  }
  return undefined;
}

/** The GNU build id in the notes `buf` (one PT_NOTE segment's bytes), as lowercase hex. */
export function parseBuildIdNotes(buf: Buffer, le: boolean): string | undefined {
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const pad4 = (n: number) => (n + 3) & ~3;
  for (let o = 0; o + 12 <= buf.length; ) {
    const namesz = u32(o);
    const descsz = u32(o + 4);
    const type = u32(o + 8);
    const name = o + 12;
    const desc = name + pad4(namesz);
    if (desc + descsz > buf.length) return undefined;
    if (type === NT_GNU_BUILD_ID && buf.toString('latin1', name, name + namesz) === 'GNU\0') {
      return buf.toString('hex', desc, desc + descsz);
    }
    o = desc + pad4(descsz);
  }
  return undefined;
}

/**
 * The GNU build id of an ELF file (what `readelf -n` prints as "Build ID"), read from its
 * PT_NOTE segments only; undefined when it has none or is not a readable ELF file. pprof
 * matches a mapping to its binary by it.
 */
export function readBuildId(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(64);
    const t = phdrTable(head.subarray(0, readSync(fd, head, 0, 64, 0)));
    const ph = Buffer.alloc(t.size * t.num);
    readSync(fd, ph, 0, ph.length, t.phoff);
    for (let i = 0; i < t.num; i++) {
      const p = i * t.size;
      const u32 = (o: number) => (t.le ? ph.readUInt32LE(p + o) : ph.readUInt32BE(p + o));
      const u64 = (o: number) => Number(t.le ? ph.readBigUInt64LE(p + o) : ph.readBigUInt64BE(p + o));
      if (u32(0) !== PT_NOTE) continue;
      const [offset, size] = t.is64 ? [u64(8), u64(32)] : [u32(4), u32(16)];
      if (size > 1 << 16) continue; // notes are small; anything else is not worth reading
      const notes = Buffer.alloc(size);
      readSync(fd, notes, 0, size, offset);
      const id = parseBuildIdNotes(notes, t.le);
      if (id) return id;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
