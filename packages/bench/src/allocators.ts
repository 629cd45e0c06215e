/** Which allocators a run compares: hakmem variants, glibc and the peers. */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { HARDENED_PEERS, isHardenedPeer, type ExtraPeer } from './args.js';

export type AllocatorKind = 'hakmem' | 'glibc' | 'peer';

export interface Allocator {
  /** display name: hakmem-<variant>, glibc, mimalloc, ... */
  name: string;
  kind: AllocatorKind;
  /**
   * a best-peer candidate: every non-hakmem allocator (glibc included) but the hardened peers;
   * ratios are to the best of them
   */
  isPeer: boolean;
  /** a hardened peer (scudo): the hakmem variant it is compared with (hakmem-secure); not a best-peer candidate */
  hardenedPeerOf?: string;
  /** library for LD_PRELOAD, null for glibc */
  preload: string | null;
  variant?: string;
  /** dist/<v>/variant.json, parsed, when present */
  variantJson?: unknown;
}

export interface Skipped {
  name: string;
  reason: string;
}

/** Debian sonames of the peers a user would pick instead. */
export const PEER_SONAMES: Record<string, string> = {
  mimalloc: 'libmimalloc.so.2',
  jemalloc: 'libjemalloc.so.2',
  tcmalloc: 'libtcmalloc_minimal.so.4',
};

export const PEER_PACKAGES: Record<string, string> = {
  mimalloc: 'libmimalloc2.0',
  jemalloc: 'libjemalloc2',
  tcmalloc: 'libtcmalloc-minimal4',
  // Debian's default LLVM's compiler-rt (libclang-rt-14-dev on Debian 12), or any libclang-rt-<N>-dev
  scudo: 'libclang-rt-dev',
};

/** Node's process.arch as compiler-rt spells it in its library names. */
export function compilerRtArch(nodeArch: string = process.arch): string {
  const m: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i386', arm: 'armhf' };
  return m[nodeArch] ?? nodeArch;
}

/** LLVM's standalone Scudo for an architecture: libclang_rt.scudo_standalone-<arch>.so */
export const scudoLibName = (arch: string = compilerRtArch()): string => `libclang_rt.scudo_standalone-${arch}.so`;

/** Where the Scudo search looks, for messages. */
export const SCUDO_GLOB = '/usr/lib/llvm-*/lib/clang/*/lib/linux/';

/** Compare version-like names (llvm-9 < llvm-14, 14.0.6 < 19): numeric runs compared as numbers. */
function versionCompare(a: string, b: string): number {
  const pa = a.match(/\d+/g)?.map(Number) ?? [];
  const pb = b.match(/\d+/g)?.map(Number) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

function dirs(d: string): string[] {
  try {
    return readdirSync(d, { withFileTypes: true })
      .filter((e) => e.isDirectory() || e.isSymbolicLink())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

/**
 * Every libclang_rt.scudo_standalone-<arch>.so under <base>/llvm-<N>/lib/clang/<version>/lib/linux/, newest LLVM
 * (then newest clang resource directory) first; LLVM's per-target layout
 * (lib/<arch>-*-linux-gnu/libclang_rt.scudo_standalone.so) is looked at too.
 */
export function scudoCandidates(arch: string = compilerRtArch(), base = '/usr/lib'): string[] {
  const newestFirst = (xs: string[]) => [...xs].sort((a, b) => versionCompare(b, a));
  const out: string[] = [];
  for (const llvm of newestFirst(dirs(base).filter((d) => /^llvm-\d/.test(d)))) {
    const clang = join(base, llvm, 'lib', 'clang');
    for (const ver of newestFirst(dirs(clang))) {
      const lib = join(clang, ver, 'lib');
      out.push(join(lib, 'linux', scudoLibName(arch)));
      for (const t of dirs(lib)
        .filter((d) => d.startsWith(`${arch}-`) && d.endsWith('-linux-gnu'))
        .sort())
        out.push(join(lib, t, 'libclang_rt.scudo_standalone.so'));
    }
  }
  return out;
}

/** The newest readable Scudo, or null. */
export function findScudo(arch: string = compilerRtArch(), base = '/usr/lib'): string | null {
  return scudoCandidates(arch, base).find(readable) ?? null;
}

const LIB_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/local/lib',
  '/usr/lib',
];

let ldconfigCache: string | null = null;
function ldconfigListing(): string {
  if (ldconfigCache !== null) return ldconfigCache;
  ldconfigCache = '';
  for (const cmd of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    try {
      ldconfigCache = execFileSync(cmd, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      break;
    } catch {
      // try the next spelling
    }
  }
  return ldconfigCache;
}

/** Parse `ldconfig -p` for a soname: the paths it lists, in order. */
export function parseLdconfig(listing: string, soname: string): string[] {
  const out: string[] = [];
  for (const line of listing.split('\n')) {
    const m = /^\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S+)\s*$/.exec(line);
    if (m && m[1] === soname) out.push(m[3] as string);
  }
  return out;
}

function readable(p: string): boolean {
  try {
    accessSync(p, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Find a shared library by soname: the usual directories, then `ldconfig -p`. */
export function findLibrary(soname: string): string | null {
  for (const d of LIB_DIRS) {
    const p = join(d, soname);
    if (readable(p)) return p;
  }
  for (const p of parseLdconfig(ldconfigListing(), soname)) {
    if (readable(p)) return p;
  }
  return null;
}

export class SetupError extends Error {
  override name = 'SetupError';
}

export function variantDir(root: string, variant: string): string {
  return join(root, 'dist', variant);
}

/** A hakmem variant as an allocator; throws a SetupError telling how to build it when missing. */
export function variantAllocator(root: string, variant: string): Allocator {
  const dir = variantDir(root, variant);
  const lib = join(dir, 'libhakmem.so');
  if (!existsSync(lib)) {
    throw new SetupError(
      `hakmem variant '${variant}' is not built: ${lib} does not exist.\n` +
        `Build it first with:  npx hakmem build ${variant}\n` +
        `(or leave hakmem out with --variants none)`,
    );
  }
  let variantJson: unknown = null;
  const vj = join(dir, 'variant.json');
  if (existsSync(vj)) {
    try {
      variantJson = JSON.parse(readFileSync(vj, 'utf8'));
    } catch (e) {
      throw new SetupError(`${vj} is not valid JSON: ${(e as Error).message}`);
    }
  }
  return { name: `hakmem-${variant}`, kind: 'hakmem', isPeer: false, preload: lib, variant, variantJson };
}

export interface Resolved {
  allocators: Allocator[];
  skipped: Skipped[];
}

/** A peer as an allocator; hardened peers (scudo) are no best-peer candidates. */
export function peerAllocator(name: string, preload: string): Allocator {
  if (isHardenedPeer(name))
    return { name, kind: 'peer', isPeer: false, preload, hardenedPeerOf: `hakmem-${HARDENED_PEERS[name]}` };
  return { name, kind: 'peer', isPeer: true, preload };
}

/** Why a known peer was not found, with the Debian package that has it. */
export function missingReason(name: string, arch: string = compilerRtArch()): string {
  if (name === 'scudo')
    return `${scudoLibName(arch)} not found in ${SCUDO_GLOB} (apt-get install ${PEER_PACKAGES.scudo}, or --peer scudo=/path.so)`;
  return `${PEER_SONAMES[name]} not found (apt-get install ${PEER_PACKAGES[name] ?? name})`;
}

/** The line a skipped peer gets on stderr. */
export const skipLine = (s: Skipped): string => `hakmem-bench: skipping ${s.name}: ${s.reason}\n`;

/**
 * The allocators of a run, in run order: variants, then glibc, then the known
 * peers, then extra peers. A peer whose library is missing is skipped with a
 * reason (not an error); a missing hakmem variant is an error.
 */
export function resolveAllocators(
  root: string,
  variants: readonly string[],
  peers: readonly string[],
  extraPeers: readonly ExtraPeer[],
  find: (soname: string) => string | null = findLibrary,
  scudo: () => string | null = findScudo,
): Resolved {
  const allocators: Allocator[] = variants.map((v) => variantAllocator(root, v));
  const skipped: Skipped[] = [];
  const override = new Map(extraPeers.map((p) => [p.name, p.path]));
  for (const name of peers) {
    if (name === 'glibc') {
      allocators.push({ name, kind: 'glibc', isPeer: true, preload: null });
      continue;
    }
    const given = override.get(name);
    override.delete(name);
    const path =
      given !== undefined ? resolve(given) : name === 'scudo' ? scudo() : find(PEER_SONAMES[name] ?? `${name}.so`);
    if (path && readable(path)) {
      allocators.push(peerAllocator(name, path));
    } else {
      skipped.push({ name, reason: given ? `${given} is not readable` : missingReason(name) });
    }
  }
  for (const [name, path] of override) {
    const p = isAbsolute(path) ? path : resolve(path);
    if (readable(p)) allocators.push(peerAllocator(name, p));
    else skipped.push({ name, reason: `${path} is not readable` });
  }
  return { allocators, skipped };
}
