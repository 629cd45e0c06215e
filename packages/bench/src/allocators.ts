/** Which allocators a run compares: hakmem variants, glibc and the peers. */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ExtraPeer } from './args.js';

export type AllocatorKind = 'hakmem' | 'glibc' | 'peer';

export interface Allocator {
  /** display name: hakmem-<variant>, glibc, mimalloc, ... */
  name: string;
  kind: AllocatorKind;
  /** peers are every non-hakmem allocator, glibc included: ratios are to the best of them */
  isPeer: boolean;
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
};

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
        `Build it first with:  pnpm build:variant ${variant}\n` +
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
    const path = given !== undefined ? resolve(given) : find(PEER_SONAMES[name] ?? `${name}.so`);
    if (path && readable(path)) {
      allocators.push({ name, kind: 'peer', isPeer: true, preload: path });
    } else {
      skipped.push({
        name,
        reason: given
          ? `${given} is not readable`
          : `${PEER_SONAMES[name]} not found (apt-get install ${PEER_PACKAGES[name] ?? name})`,
      });
    }
  }
  for (const [name, path] of override) {
    const p = isAbsolute(path) ? path : resolve(path);
    if (readable(p)) allocators.push({ name, kind: 'peer', isPeer: true, preload: p });
    else skipped.push({ name, reason: `${path} is not readable` });
  }
  return { allocators, skipped };
}
