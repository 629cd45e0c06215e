import { describe, expect, it } from 'vitest';
import {
  encodeProfile,
  fileOffsetToVaddr,
  fitLabel,
  foldStacks,
  formatFolded,
  formatLeaks,
  formatTop,
  frameColor,
  isHakmemFunction,
  isHakmemObject,
  parseAddr2line,
  parseElfLoads,
  parseMapsLine,
  parseRawProfile,
  renderFlameGraph,
  type Location,
  type Profile,
  type Sample,
} from './internal.js';
import { decodeProfile } from './pprof-decode.js';

const RAW = `hakmem-profile 1
variant profiling
pid 42
sample_bytes 524288
elapsed_ms 17
reason exit
maps
555555554000-555555556000 r-xp 00001000 08:01 1234                       /usr/bin/prog
7ffff7dd0000-7ffff7df0000 r-xp 00028000 08:01 99 /lib/x86_64-linux-gnu/libc.so.6 (deleted)
7ffff7ff0000-7ffff7ff2000 r-xp 00000000 00:00 0                          [vdso]
end maps
live 65536 1 65536 0x555555554100 0x7ffff7dd0010
alloc 800000 10 0x555555554100 0x555555554200
end
`;

describe('raw profiles', () => {
  it('parses the header, the maps and the samples', () => {
    const p = parseRawProfile(RAW, 'raw-42.prof');
    expect(p).toMatchObject({ variant: 'profiling', pid: 42, sampleBytes: 524288, elapsedMs: 17, reason: 'exit' });
    expect(p.maps).toHaveLength(3);
    expect(p.maps[0]).toEqual({
      start: 0x555555554000n,
      end: 0x555555556000n,
      perms: 'r-xp',
      offset: 0x1000n,
      dev: '08:01',
      inode: 1234,
      path: '/usr/bin/prog',
    });
    expect(p.maps[1]!.path).toBe('/lib/x86_64-linux-gnu/libc.so.6 (deleted)');
    expect(p.live).toEqual([{ bytes: 65536, count: 1, size: 65536, pcs: [0x555555554100n, 0x7ffff7dd0010n] }]);
    expect(p.alloc).toEqual([{ bytes: 800000, count: 10, pcs: [0x555555554100n, 0x555555554200n] }]);
  });

  it('parses anonymous maps lines', () => {
    expect(parseMapsLine('7f0000000000-7f0000001000 rw-p 00000000 00:00 0 ')).toMatchObject({ path: '', inode: 0 });
    expect(parseMapsLine('not a maps line')).toBeUndefined();
  });

  it('names the file and line of what is wrong', () => {
    const truncated = RAW.split('\n').slice(0, 12).join('\n');
    expect(() => parseRawProfile(truncated, 'raw-42.prof')).toThrow(
      /^raw-42\.prof:12: truncated: the last line is not 'end'/,
    );
    expect(() => parseRawProfile('', 'x.prof')).toThrow(/^x\.prof:1: not a hakmem raw profile/);
    expect(() => parseRawProfile(RAW.replace('hakmem-profile 1', 'hakmem-profile 2'), 'x.prof')).toThrow(
      /x\.prof:1: not a hakmem raw profile \(expected 'hakmem-profile 1', found 'hakmem-profile 2'\)/,
    );
    expect(() => parseRawProfile(RAW.replace('alloc 800000 10', 'alloc 800000 x'), 'x.prof')).toThrow(
      /^x\.prof:13: malformed alloc line/,
    );
    expect(() => parseRawProfile(RAW.replace('0x555555554200', 'zz'), 'x.prof')).toThrow(/^x\.prof:13: bad pc 'zz'/);
    expect(() => parseRawProfile(RAW.replace('pid 42\n', ''), 'x.prof')).toThrow(/header field 'pid' missing/);
    expect(() => parseRawProfile(RAW.replace('end maps\n', ''), 'x.prof')).toThrow(
      /^x\.prof:11: not a \/proc\/<pid>\/maps line/,
    );
  });
});

/** An ELF header and program headers: PT_LOAD segments [offset, vaddr, filesz] (plus a PT_NOTE). */
function elf(is64: boolean, type: number, loads: [number, number, number][]): Buffer {
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const phdrs: [number, number, number, number][] = [
    [4, 0x300, 0x300, 0x20],
    ...loads.map(([o, v, s]) => [1, o, v, s] as [number, number, number, number]),
  ];
  const b = Buffer.alloc(ehsize + phentsize * phdrs.length);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = is64 ? 2 : 1;
  b[5] = 1;
  b.writeUInt16LE(type, 16);
  if (is64) {
    b.writeBigUInt64LE(BigInt(ehsize), 32);
    b.writeUInt16LE(phentsize, 54);
    b.writeUInt16LE(phdrs.length, 56);
  } else {
    b.writeUInt32LE(ehsize, 28);
    b.writeUInt16LE(phentsize, 42);
    b.writeUInt16LE(phdrs.length, 44);
  }
  phdrs.forEach(([ptype, o, v, s], i) => {
    const p = ehsize + i * phentsize;
    b.writeUInt32LE(ptype, p);
    if (is64) {
      b.writeBigUInt64LE(BigInt(o), p + 8);
      b.writeBigUInt64LE(BigInt(v), p + 16);
      b.writeBigUInt64LE(BigInt(s), p + 32);
      b.writeBigUInt64LE(BigInt(s), p + 40);
    } else {
      b.writeUInt32LE(o, p + 4);
      b.writeUInt32LE(v, p + 8);
      b.writeUInt32LE(s, p + 16);
      b.writeUInt32LE(s, p + 20);
    }
  });
  return b;
}

describe('ELF file offset -> virtual address', () => {
  it('PIE executables and shared libraries: vaddrs from 0, text not at its file offset', () => {
    // as gcc lays out a PIE: r-- at 0, r-x at 0x1000, data with vaddr ahead of its offset
    const e = parseElfLoads(
      elf(true, 3, [
        [0, 0, 0x6f8],
        [0x1000, 0x1000, 0x2d5],
        [0x2db8, 0x3db8, 0x258],
      ]),
    );
    expect(e.type).toBe(3);
    expect(e.segments).toHaveLength(3);
    expect(fileOffsetToVaddr(e, 0x1139n)).toBe(0x1139n);
    expect(fileOffsetToVaddr(e, 0x2dc0n)).toBe(0x3dc0n);
    expect(fileOffsetToVaddr(e, 0x5000n)).toBeUndefined();
  });

  it('non-PIE executables: absolute vaddrs', () => {
    const e = parseElfLoads(
      elf(true, 2, [
        [0, 0x400000, 0x5f8],
        [0x1000, 0x401000, 0x2d5],
      ]),
    );
    expect(e.type).toBe(2);
    expect(fileOffsetToVaddr(e, 0x1136n)).toBe(0x401136n);
  });

  it('32-bit files, and what is not ELF', () => {
    const e = parseElfLoads(elf(false, 3, [[0x1000, 0x2000, 0x500]]));
    expect(fileOffsetToVaddr(e, 0x1010n)).toBe(0x2010n);
    expect(() => parseElfLoads(Buffer.from('#!/bin/sh\necho not elf at all, really not\n........'))).toThrow(
      /not an ELF/,
    );
    expect(() => parseElfLoads(elf(true, 3, [[0, 0, 1]]).subarray(0, 80))).toThrow(/truncated/);
  });
});

describe('symbolisation helpers', () => {
  it('parses addr2line -a -f -C -i output, inlined frames included', () => {
    const out = [
      '0x0000000000001139',
      'inner',
      '/src/a.c:10',
      'outer(int)',
      '/src/a.c:20 (discriminator 2)',
      '0x0000000000001200',
      '??',
      '??:0',
      '',
    ].join('\n');
    expect(parseAddr2line(out)).toEqual([
      [
        { fn: 'inner', file: '/src/a.c', line: 10 },
        { fn: 'outer(int)', file: '/src/a.c', line: 20 },
      ],
      [{ fn: '??' }],
    ]);
  });

  it("knows hakmem's own functions and library", () => {
    for (const f of [
      'malloc',
      'free',
      'calloc',
      'realloc',
      'posix_memalign',
      'aligned_alloc',
      'memalign',
      'valloc',
      'pvalloc',
      'hk_sampler_take',
      'operator new(unsigned long)',
      'operator new[](unsigned long, std::nothrow_t const&)',
      'operator new(unsigned long, std::align_val_t)',
      '_Znwm',
      '_ZnamRKSt9nothrow_t',
    ]) {
      expect(isHakmemFunction(f), f).toBe(true);
    }
    for (const f of [
      'strdup',
      'main',
      'my_malloc',
      'operator delete(void*)',
      'std::vector<int>::push_back(int const&)',
    ]) {
      expect(isHakmemFunction(f), f).toBe(false);
    }
    expect(isHakmemObject('/repo/dist/profiling/libhakmem.so')).toBe(true);
    expect(isHakmemObject('/usr/lib/libhakmem-profiling.so.1')).toBe(true);
    expect(isHakmemObject('/usr/lib/libc.so.6')).toBe(false);
  });
});

// a synthetic symbolised profile: main -> a -> (b inlined into a) for the big site, main -> c
const map = { start: 0x1000n, end: 0x9000n, perms: 'r-xp', offset: 0n, dev: '08:01', inode: 1, path: '/bin/p' };
const loc = (pc: bigint, ...frames: [string, number][]): Location => ({
  key: `/bin/p@${pc}`,
  pc,
  pid: 7,
  object: '/bin/p',
  mapping: map,
  fileOffset: pc - 0x1000n,
  frames: frames.map(([fn, line]) => ({ fn, file: '/src/p.c', line })),
});
const main = loc(0x1100n, ['main', 50]);
const ab = loc(0x1200n, ['b', 12], ['a', 30]);
const c = loc(0x1300n, ['c', 40]);
const sample = (bytes: number, count: number, ...stack: Location[]): Sample => ({ bytes, count, stack });
const profile: Profile = {
  raws: [
    {
      file: 'raw-7.prof',
      variant: 'profiling',
      pid: 7,
      sampleBytes: 4096,
      elapsedMs: 2,
      reason: 'exit',
      exe: '/bin/prog',
      maps: [map],
      live: [],
      alloc: [],
    },
  ],
  alloc: [sample(3000, 3, ab, main), sample(1000, 10, c, main)],
  live: [sample(4096, 1, c, main), sample(512, 2, c, main), sample(8192, 1, ab, main)],
  locations: [main, ab, c],
  pcs: 3,
  files: 1,
};

describe('pprof encoding', () => {
  it('round-trips sample types, samples, locations with inlined lines, functions and mappings', () => {
    const p = decodeProfile(encodeProfile(profile, 'alloc'));
    expect(p.strings[0]).toBe('');
    expect(new Set(p.strings).size).toBe(p.strings.length);
    expect(p.sampleTypes).toEqual(['alloc_objects/count', 'alloc_space/bytes']);
    expect(p.periodType).toBe('space/bytes');
    expect(p.period).toBe(4096);
    expect(p.defaultSampleType).toBe('alloc_space');
    expect(p.comments[0]).toMatch(/variant profiling, pid 7/);
    expect(p.samples.map((s) => s.values)).toEqual([
      [3, 3000],
      [10, 1000],
    ]);
    const names = (id: number) =>
      p.locations.get(id)!.lines.map((l) => `${p.functions.get(l.functionId)!.name}:${l.line}`);
    expect(p.samples.map((s) => s.locations.map(names))).toEqual([
      [['b:12', 'a:30'], ['main:50']],
      [['c:40'], ['main:50']],
    ]);
    expect([...p.mappings.values()]).toEqual([{ start: 0x1000n, limit: 0x9000n, offset: 0n, file: '/bin/p' }]);
    expect(p.locations.get(p.samples[0]!.locations[0]!)!.address).toBe(0x1200n);
    expect([...p.functions.values()][0]).toEqual({ name: 'b', systemName: 'b', file: '/src/p.c' });
    const inuse = decodeProfile(encodeProfile(profile, 'inuse'));
    expect(inuse.sampleTypes).toEqual(['inuse_objects/count', 'inuse_space/bytes']);
    expect(inuse.samples.map((s) => s.values)).toEqual([
      [1, 4096],
      [2, 512],
      [1, 8192],
    ]);
  });
});

describe('folded stacks and the flame graph', () => {
  it('folds outermost first, inlined functions as frames, summed per stack', () => {
    const folded = foldStacks(profile.live);
    expect(formatFolded(folded)).toBe('main;a;b 8192\nmain;c 4608\n');
  });

  it('renders a valid SVG, widths proportional to bytes, a title per frame', () => {
    const svg = renderFlameGraph(foldStacks(profile.alloc), { title: 'T & <x>', width: 1020 });
    expect(svg).toMatch(/^<\?xml version="1\.0" standalone="no"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('T &amp; &lt;x&gt;');
    expect(svg.match(/<g>/g)).toHaveLength(5); // all, main, a, b, c
    expect(svg.match(/<g>/g)!.length).toBe(svg.match(/<\/g>/g)!.length);
    const width = (name: string) =>
      Number(new RegExp(`<title>${name} \\([^<]*</title><rect x="[\\d.]+" y="\\d+" width="([\\d.]+)"`).exec(svg)![1]);
    expect(width('all')).toBeCloseTo(1000, 1); // 1020 - 2 * 10 padding
    expect(width('main')).toBeCloseTo(1000, 1);
    expect(width('a')).toBeCloseTo(750, 1);
    expect(width('c')).toBeCloseTo(250, 1);
    expect(svg).toContain('<title>a (3,000 bytes, 75.00%)</title>');
    expect(frameColor('main')).toBe(frameColor('main'));
    expect(frameColor('main')).not.toBe(frameColor('c'));
    expect(renderFlameGraph([])).toContain('no samples');
  });

  it('cuts labels to fit', () => {
    expect(fitLabel('short', 100)).toBe('short');
    expect(fitLabel('a_rather_long_function_name', 80)).toBe('a_rather..');
    expect(fitLabel('anything', 20)).toBe('');
  });
});

describe('top.txt and leaks.txt', () => {
  it('lists the sites by bytes and by count with share and cumulative share', () => {
    const top = formatTop(profile, { cwd: '/src' });
    expect(top).toContain('allocated (estimated): 4,000 bytes (3.9 KiB) in 13 allocations, from 2 sampled stacks');
    expect(top).toContain(
      [
        'by estimated bytes (top 2 of 2 sites)',
        '         bytes   share     cum           count  site',
        '         3,000   75.0%   75.0%               3  b (p.c:12)',
        '         1,000   25.0%  100.0%              10  c (p.c:40)',
      ].join('\n'),
    );
    expect(top).toContain(
      [
        '            10   76.9%   76.9%           1,000  c (p.c:40)',
        '             3   23.1%  100.0%           3,000  b (p.c:12)',
      ].join('\n'),
    );
  });

  it('groups live blocks by stack, largest first, one frame per line', () => {
    const leaks = formatLeaks(profile, { cwd: '/elsewhere' });
    expect(leaks).toContain('live (estimated): 12,800 bytes (12.5 KiB) in 4 blocks, 2 stacks');
    expect(leaks).toContain(
      [
        '#1  8,192 bytes (8.0 KiB, 64.0%) in 1 blocks (estimated; 1 sampled)',
        '    b (/src/p.c:12)',
        '    a (/src/p.c:30)',
        '    main (/src/p.c:50)',
        '',
        '#2  4,608 bytes (4.5 KiB, 36.0%) in 3 blocks (estimated; 2 sampled)',
        '    c (/src/p.c:40)',
      ].join('\n'),
    );
    expect(formatLeaks({ ...profile, live: [] })).toContain('no sampled allocation was live at exit');
  });
});
