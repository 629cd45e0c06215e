// Shared by the valgrind and asan tests: where a test program's marked lines are.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import track from '../src/index.js';

/** Absolute path of test/c/<name>. */
export const programPath = (name: string): string => join(track.root, 'test/c', name);

/** The 1-based line of test/c/<name> that carries the comment marker /* <mark> *\/. */
export function markedLine(name: string, mark: string): number {
  const lines = readFileSync(programPath(name), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(`/* ${mark} */`));
  if (i < 0) throw new Error(`no /* ${mark} */ in ${name}`);
  return i + 1;
}
