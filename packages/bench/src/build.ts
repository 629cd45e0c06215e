/** Compiles the benchmark programs and runrss, cached by a hash of their sources. */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess, tail } from './proc.js';

export const CFLAGS = ['-O2', '-pthread', '-Wall', '-Wextra'];
export const HELPER = 'runrss';

export class BuildError extends Error {
  override name = 'BuildError';
}

export interface BuildOptions {
  /** packages/bench/c */
  sourceDir: string;
  /** cache folder (e.g. packages/bench/.build); falls back to the temp dir when not writable */
  cacheDir: string;
  cc?: string;
  /** called before a program is actually compiled (not on a cache hit) */
  onCompile?: (name: string) => void;
}

function writable(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const ccVersionCache = new Map<string, string>();
async function ccVersion(cc: string): Promise<string> {
  const hit = ccVersionCache.get(cc);
  if (hit !== undefined) return hit;
  const r = await runProcess(cc, ['--version']);
  if (r.spawnError || r.code !== 0) {
    throw new BuildError(
      `cannot run the C compiler '${cc}' (${r.spawnError ?? tail(r.stderr)}); install gcc (apt-get install gcc)`,
    );
  }
  const v = r.stdout.split('\n')[0] ?? cc;
  ccVersionCache.set(cc, v);
  return v;
}

/** The cache key of one program: compiler, flags, the shared header and its source. */
export function sourceHash(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p);
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

/** Build (or find in the cache) the programs named (C file basenames without .c); returns name -> binary path. */
export async function buildPrograms(names: readonly string[], opts: BuildOptions): Promise<Map<string, string>> {
  const cc = opts.cc ?? process.env.CC ?? 'gcc';
  const version = await ccVersion(cc);
  const header = readFileSync(join(opts.sourceDir, 'bench.h'), 'utf8');
  const cacheDir = writable(opts.cacheDir) ? opts.cacheDir : join(tmpdir(), 'hakmem-bench-build');
  mkdirSync(cacheDir, { recursive: true });
  const out = new Map<string, string>();
  for (const name of names) {
    const src = join(opts.sourceDir, `${name}.c`);
    if (!existsSync(src)) throw new BuildError(`no source ${src}`);
    const text = readFileSync(src, 'utf8');
    const hash = sourceHash([cc, version, CFLAGS.join(' '), header, text]);
    const bin = join(cacheDir, `${name}-${hash}`);
    if (!existsSync(bin)) {
      opts.onCompile?.(name);
      const tmp = `${bin}.${process.pid}.tmp`;
      const r = await runProcess(cc, [...CFLAGS, '-o', tmp, src], { timeoutMs: 120_000 });
      if (r.spawnError || r.code !== 0) {
        rmSync(tmp, { force: true });
        throw new BuildError(`compiling ${src} failed:\n${tail(r.stderr || r.spawnError || '', 20)}`);
      }
      renameSync(tmp, bin); // atomic: concurrent runners never see a half-written binary
    }
    out.set(name, bin);
  }
  return out;
}
