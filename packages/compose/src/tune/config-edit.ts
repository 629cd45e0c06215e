import { chmodSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { loadConfig } from '../config-load.js';
import { HakmemConfigError } from '../errors.js';
import { closeOf, defaultExportObject, entriesOf } from './source-scan.js';

/** A variant to write into a config: another variant's boxes and tunables with these over them. */
export interface NewVariant {
  name: string;
  description: string;
  /** The variant it extends; '' writes no `extends` (the variant must then give its boxes). */
  extends: string;
  boxes: Readonly<Record<string, string>>;
  tunables: Readonly<Record<string, Readonly<Record<string, number | boolean | string>>>>;
}

// biome.json's line width, so that a variant written into the repository's config is formatted.
const LINE_WIDTH = 120;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A single-quoted string literal of `s`. */
export const quote = (s: string): string =>
  `'${s.replace(
    /[\\'\u2028\u2029\0-\x1f\x7f]/g,
    (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )}'`;

const keyOf = (k: string): string => (IDENTIFIER.test(k) ? k : quote(k));

function literal(v: number | boolean | string): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' && !Number.isFinite(v)) throw new HakmemConfigError(`cannot write ${v} into a config`);
  return String(v);
}

/** `head{`, each entry (its lines) with a comma after it (the last one only with `comma`), `}`. */
function expanded(head: string, entries: readonly string[][], indent: string, comma: boolean): string[] {
  const lines = entries.flatMap((e, n) => [
    ...e.slice(0, -1),
    e.at(-1)! + (comma || n < entries.length - 1 ? ',' : ''),
  ]);
  return [`${head}{`, ...lines, `${indent}}`];
}

/** `key: { a: 1, b: 'x' }` on one line when it fits, else one entry a line. */
function flatObject(
  key: string,
  values: Readonly<Record<string, number | boolean | string>>,
  indent: string,
  unit: string,
  comma: boolean,
): string[] {
  const parts = Object.entries(values).map(([k, v]) => `${keyOf(k)}: ${literal(v)}`);
  const line = `${indent}${keyOf(key)}: { ${parts.join(', ')} }`;
  if (line.length + 1 <= LINE_WIDTH) return [line];
  return expanded(
    `${indent}${keyOf(key)}: `,
    parts.map((p) => [indent + unit + p]),
    indent,
    comma,
  );
}

/**
 * The variant as TypeScript object-literal source at `indent` (the indentation of its key line),
 * ending with a newline. Keys that are not identifiers are quoted; strings use single quotes with
 * escapes; an empty boxes/tunables is left out. `trailingComma` (the repository's style) puts a
 * comma after the last entry of every object, and after the variant.
 */
export function renderVariant(v: NewVariant, indent: string, unit: string, trailingComma = true): string {
  const inner = indent + unit;
  const entries: string[][] = [];
  const description = `${inner}description: ${quote(v.description)}`;
  entries.push(
    description.length + 1 <= LINE_WIDTH
      ? [description]
      : [`${inner}description:`, `${inner}${unit}${quote(v.description)}`],
  );
  if (v.extends) entries.push([`${inner}extends: ${quote(v.extends)}`]);
  if (Object.keys(v.boxes).length) entries.push(flatObject('boxes', v.boxes, inner, unit, trailingComma));
  const slots = Object.entries(v.tunables).filter(([, t]) => Object.keys(t).length > 0);
  if (slots.length) {
    const lines = slots.map(([slot, t]) => flatObject(slot, t, inner + unit, unit, trailingComma));
    entries.push(expanded(`${inner}tunables: `, lines, inner, trailingComma));
  }
  const text = expanded(`${indent}${keyOf(v.name)}: `, entries, indent, trailingComma).join('\n');
  return `${text}${trailingComma ? ',' : ''}\n`;
}

const lineStart = (src: string, i: number): number => src.lastIndexOf('\n', i - 1) + 1;
const indentAt = (src: string, i: number): string => /^[ \t]*/.exec(src.slice(lineStart(src, i)))![0];
const startsLine = (src: string, i: number): boolean => /^[ \t]*$/.test(src.slice(lineStart(src, i), i));

/** The file's indentation step: the smallest indentation of a line (a tab if any uses one), else two spaces. */
function indentUnit(src: string): string {
  let unit: string | undefined;
  for (const [, ws] of src.matchAll(/^([ \t]+)[^\s*]/gm)) {
    if (ws!.startsWith('\t')) return '\t';
    if (!unit || ws!.length < unit.length) unit = ws;
  }
  return unit ?? '  ';
}

/** Whether multi-line objects and arrays in the file end with a comma (yes when none says no). */
const usesTrailingCommas = (src: string): boolean =>
  /,[ \t]*\r?\n\s*[}\]]/.test(src) || !/[^,\s{[(][ \t]*\r?\n\s*[}\]]/.test(src);

/** The braces of the `variants: { ... }` object literal of the default export. */
function variantsObject(src: string): { open: number; close: number } {
  const config = defaultExportObject(src);
  if (config !== undefined) {
    const entry = entriesOf(src, config, closeOf(src, config)).find((e) => e.key === 'variants');
    if (entry?.valueStart !== undefined && src[entry.valueStart] === '{') {
      return { open: entry.valueStart, close: closeOf(src, entry.valueStart) };
    }
  }
  throw new HakmemConfigError(
    'the config has no `variants: { ... }` object literal in its default export ' +
      '(`export default defineConfig({ slots, variants: { ... } })`) to write a variant into',
  );
}

/**
 * `source` with `v` inserted as the last entry of the `variants: { ... }` object of the default
 * export; every other byte stays (bar a comma after the entry before it, when that had none).
 * Throws HakmemConfigError when no such object literal is found, or when a variant of that name
 * exists (`replace: true` replaces that entry's text instead).
 */
export function insertVariant(source: string, v: NewVariant, opts: { replace?: boolean } = {}): string {
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const { open, close } = variantsObject(source);
  const entries = entriesOf(source, open, close);
  const outer = indentAt(source, open);
  const first = entries.find((e) => startsLine(source, e.start));
  const firstIndent = first && indentAt(source, first.start);
  const unit =
    firstIndent && firstIndent.length > outer.length && firstIndent.startsWith(outer)
      ? firstIndent.slice(outer.length)
      : indentUnit(source);
  const indent = firstIndent ?? outer + unit;
  const last = entries.at(-1);
  const closeOnOwnLine = startsLine(source, close);
  const comma = last?.comma !== undefined || (last && closeOnOwnLine ? false : usesTrailingCommas(source));
  const render = (at: string): string => renderVariant(v, at, unit, comma).replaceAll('\n', eol);

  const existing = entries.find((e) => e.key === v.name);
  if (existing) {
    if (!opts.replace) {
      throw new HakmemConfigError(`variant '${v.name}' is already in the config; choose another name, or replace it`);
    }
    const at = startsLine(source, existing.start) ? indentAt(source, existing.start) : indent;
    const text = render(at)
      .trimStart()
      .replace(/,?\r?\n$/, '');
    return source.slice(0, existing.start) + text + source.slice(existing.end);
  }

  const sep = last && last.comma === undefined ? ',' : '';
  if (closeOnOwnLine) {
    // A line of its own before the closing brace's line.
    const at = lineStart(source, close);
    const after = last ? last.end : at;
    return source.slice(0, after) + sep + source.slice(after, at) + render(indent) + source.slice(at);
  }
  // `variants: {}` or all on one line: the closing brace moves to a line of its own.
  const after = !last ? open + 1 : last.comma !== undefined ? last.comma + 1 : last.end;
  const gap = source.slice(after, close);
  const kept = /^\s*$/.test(gap) ? '' : gap;
  return source.slice(0, after) + sep + kept + eol + render(indent) + indentAt(source, close) + source.slice(close);
}

/**
 * Writes `v` into the config file atomically: the new text goes to a temporary file in the same
 * directory, is loaded and validated there with loadConfig (so a broken result never replaces the
 * config), then is renamed over the original. Returns the new text.
 */
export async function writeVariant(
  configPath: string,
  v: NewVariant,
  opts: { replace?: boolean } = {},
): Promise<string> {
  const file = realpathSync(resolve(configPath));
  const text = insertVariant(readFileSync(file, 'utf8'), v, opts);
  const ext = extname(file);
  const temp = join(
    dirname(file),
    `.${basename(file, ext)}.${process.pid}-${Math.random().toString(36).slice(2, 8)}.new${ext}`,
  );
  try {
    writeFileSync(temp, text, { flag: 'wx' });
    chmodSync(temp, statSync(file).mode & 0o7777);
    let config: Awaited<ReturnType<typeof loadConfig>>;
    try {
      config = await loadConfig(temp);
    } catch (err) {
      if (!(err instanceof HakmemConfigError)) throw err;
      throw new HakmemConfigError(
        `${file} with variant ${v.name} written in would not load, so it is left as it was: ` +
          err.message.replaceAll(temp, file),
      );
    }
    if (!Object.hasOwn(config.variants, v.name)) {
      throw new HakmemConfigError(`${file}: variant ${v.name} was written, but the config does not export it`);
    }
    renameSync(temp, file);
    return text;
  } finally {
    rmSync(temp, { force: true });
  }
}
