// The .c files under a directory, recursively (the docs tests read box sources).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function cFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? cFiles(p) : p.endsWith('.c') ? [p] : [];
  });
}
