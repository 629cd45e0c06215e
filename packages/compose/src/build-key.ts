import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { baseDir, coreDir, includeDir } from '@hakmem/native';
import type { ResolvedVariant } from './validate.js';

function hashTree(h: ReturnType<typeof createHash>, dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) hashTree(h, p);
    else if (/\.[ch]$/.test(name)) h.update(`${p}\0`).update(readFileSync(p)).update('\0');
  }
}

/** The toolchain variables the build honours: a build with other CFLAGS is another build. */
const TOOLCHAIN_ENV = ['CC', 'CXX', 'AR', 'CFLAGS', 'LDFLAGS'] as const;

/**
 * A hash of what a build of `v` compiles: its boxes, tunables, core options, the toolchain
 * variables and every source file of the core and its boxes (not its name: tune's candidates
 * share builds by it). Equal keys, equal code: a build can be reused.
 */
export function variantKey(v: ResolvedVariant, env: NodeJS.ProcessEnv = process.env): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify({
      version: v.version,
      boxes: Object.fromEntries(Object.entries(v.boxes).map(([s, b]) => [s, `${b.packageName}@${b.version}/${b.box}`])),
      tunables: v.tunables,
      core: v.core,
      toolchain: TOOLCHAIN_ENV.map((k) => env[k] ?? ''),
    }),
  );
  hashTree(h, baseDir);
  hashTree(h, coreDir);
  hashTree(h, includeDir);
  for (const b of Object.values(v.boxes)) {
    for (const src of [...b.sources].sort()) h.update(`${src}\0`).update(readFileSync(src)).update('\0');
    for (const inc of b.includes) hashTree(h, inc);
  }
  return h.digest('hex').slice(0, 16);
}
