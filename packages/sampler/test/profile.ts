// A reader of the raw heap profile (docs/profile-format.md) and a symboliser just good enough
// for the test programs: built -no-pie, their pcs are nm's addresses.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import sampler from '../src/index.js';

export interface RawProfile {
  header: Record<string, string>;
  maps: string[];
  live: { estBytes: number; estCount: number; size: number; pcs: bigint[] }[];
  alloc: { estBytes: number; estCount: number; pcs: bigint[] }[];
  complete: boolean;
}

export const programPath = (name: string): string => join(sampler.root, 'test/c', name);

export function parseProfile(text: string): RawProfile {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines[0] !== 'hakmem-profile 1') throw new Error(`not a hakmem-profile 1: ${lines[0]}`);
  const p: RawProfile = { header: {}, maps: [], live: [], alloc: [], complete: lines.at(-1) === 'end' };
  let i = 1;
  for (; lines[i] !== 'maps'; i++) {
    const [k, ...v] = lines[i]!.split(' ');
    p.header[k!] = v.join(' ');
  }
  for (i++; lines[i] !== 'end maps'; i++) p.maps.push(lines[i]!);
  for (i++; i < lines.length && lines[i] !== 'end'; i++) {
    const [kind, ...f] = lines[i]!.split(' ');
    if (kind === 'live') {
      const [b, c, s, ...pcs] = f;
      p.live.push({ estBytes: Number(b), estCount: Number(c), size: Number(s), pcs: pcs.map((x) => BigInt(x)) });
    } else if (kind === 'alloc') {
      const [b, c, ...pcs] = f;
      p.alloc.push({ estBytes: Number(b), estCount: Number(c), pcs: pcs.map((x) => BigInt(x)) });
    } else throw new Error(`unknown line: ${lines[i]}`);
  }
  return p;
}

/** pc -> the name of the function of `binary` (nm, text symbols) that contains pc - 1. */
export function symboliser(binary: string): (pc: bigint) => string | undefined {
  const syms = execFileSync('nm', ['-S', '--defined-only', binary], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 4 && /^[tTwW]$/.test(f[2]!))
    .map(([a, s, , n]) => ({ start: BigInt(`0x${a}`), end: BigInt(`0x${a}`) + BigInt(`0x${s}`), name: n! }));
  return (pc) => syms.find((s) => pc - 1n >= s.start && pc - 1n < s.end)?.name;
}

/** The first frame of a stack that lies in one of `names`. */
export function siteOf(pcs: bigint[], sym: (pc: bigint) => string | undefined, names: string[]): string | undefined {
  for (const pc of pcs) {
    const n = sym(pc);
    if (n && names.includes(n)) return n;
  }
  return undefined;
}
