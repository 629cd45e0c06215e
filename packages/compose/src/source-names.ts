import { basename, isAbsolute, relative } from 'node:path';
import { nativeRoot } from '@hakmem/native';
import type { ResolvedVariant } from './validate.js';

/**
 * How a file or folder of the build machine is named in what hakmem writes out (variant.json,
 * the exported C file): by the package it lives in (`@hakmem/front/c/tcache/...`), the same
 * wherever the packages are installed; else relative to the config's folder. `extra`: more
 * folders and their names ('' for the folder's own files by their bare names).
 */
export function sourceNamer(
  v: ResolvedVariant,
  rootDir: string,
  extra: Readonly<Record<string, string>> = {},
): (path: string) => string {
  const roots: [string, string][] = [
    [nativeRoot, '@hakmem/native'],
    ...Object.values(v.boxes).map((b): [string, string] => [b.root, b.packageName]),
    ...Object.entries(extra),
  ];
  roots.sort(([a], [b]) => b.length - a.length); // the innermost folder names it
  return (path) => {
    for (const [root, name] of roots) {
      const rel = relative(root, path);
      if (!rel.startsWith('..') && !isAbsolute(rel)) return [name, rel].filter(Boolean).join('/') || '.';
    }
    const rel = relative(rootDir, path);
    return isAbsolute(rel) ? basename(path) : rel || '.';
  };
}
