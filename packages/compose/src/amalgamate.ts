import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { HakmemBuildError } from './errors.js';

export interface AmalgamateOptions {
  /** The -I directories, searched after the including file's own directory (as gcc does). */
  readonly includeDirs: readonly string[];
  /** The name a file goes by in `#line` (never a build-machine path). */
  readonly label: (file: string) => string;
  /** Rewrites a file's text before it is inlined. */
  readonly transform?: (text: string, file: string) => string;
}

const DIRECTIVE = /^\s*#\s*(\w+)/;
const QUOTED_INCLUDE = /^\s*#\s*include\s*"([^"]+)"/;

/** Whether a file is wrapped in an include guard (or says #pragma once): inlining it a second
 * time would add nothing, so it is inlined once. */
export function isGuarded(text: string): boolean {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/[^\n]*/g, '')
    .trim();
  if (/^\s*#\s*pragma\s+once\b/m.test(code)) return true;
  return /^#\s*ifndef\s+(\w+)\s*\n\s*#\s*define\s+\1\b/.test(code) && /#\s*endif\b[^\n]*$/.test(code);
}

/**
 * The text of `entry` with every `#include "..."` replaced by the file it names, recursively,
 * and `#line` directives naming each file by its label; `#include <...>` (the system's headers)
 * stays. A guarded file is inlined once, unless its first inclusion sat inside an `#if`, where
 * the preprocessor might have skipped it.
 */
export function amalgamate(entry: string, opts: AmalgamateOptions): string {
  const out: string[] = [];
  const done = new Set<string>();
  const visit = (file: string, conditional: boolean, stack: readonly string[]): boolean => {
    const raw = readFileSync(file, 'utf8');
    const guarded = isGuarded(raw);
    // a guarded file open further up has its guard defined: the preprocessor skips it too
    if (guarded && (done.has(file) || stack.includes(file))) return false;
    if (stack.includes(file)) throw new HakmemBuildError(`include cycle: ${[...stack, file].join(' -> ')}`);
    if (guarded && !conditional) done.add(file);
    const text = opts.transform ? opts.transform(raw, file) : raw;
    const label = JSON.stringify(opts.label(file));
    out.push(`#line 1 ${label}`);
    const base = guarded ? 1 : 0; // the guard's own #ifndef
    let depth = 0;
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    lines.forEach((line, i) => {
      const inc = QUOTED_INCLUDE.exec(line);
      if (!inc) {
        const d = DIRECTIVE.exec(line)?.[1];
        if (d === 'if' || d === 'ifdef' || d === 'ifndef') depth++;
        else if (d === 'endif') depth--;
        out.push(line);
        return;
      }
      const name = inc[1]!;
      const found = [dirname(file), ...opts.includeDirs].map((d) => resolve(d, name)).find((p) => existsSync(p));
      if (!found) throw new HakmemBuildError(`${opts.label(file)}:${i + 1}: "${name}" not found`);
      // a skipped file leaves a blank line, so the numbering holds without another #line
      out.push(visit(found, conditional || depth > base, [...stack, file]) ? `#line ${i + 2} ${label}` : '');
    });
    return true;
  };
  visit(resolve(entry), false, []);
  return `${out.join('\n')}\n`;
}
