import { chmodSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { loadConfig, HakmemConfigError } from '@hakmem/compose';
import { parseModule } from 'magicast';

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

/** A node of the config's syntax tree (Babel's, as magicast parses it): what is read of it here. */
interface Node {
  readonly type: string;
  readonly loc: { readonly start: Pos; readonly end: Pos };
  readonly [field: string]: unknown;
}

const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && typeof (x as Node).type === 'string';

/** One entry of an object literal. */
interface Entry {
  /** The key: an identifier, number or string's value; undefined for a spread or a computed key. */
  readonly key: string | undefined;
  /** Where the entry's first code character is. */
  readonly start: number;
  /** Just after its last code character (comments after it are not part of it). */
  readonly end: number;
  /** The index of the comma after it, if one follows. */
  readonly comma: number | undefined;
}

/** A position in the source: line (from 1) and column (from 0). */
interface Pos {
  readonly line: number;
  readonly column: number;
}

/**
 * The config's syntax tree (Babel's, with TypeScript), parsed by magicast, and a map from its
 * node's line and column to an index in `src`. (recast, under magicast, parses the text with
 * its line ends made LFs and its indentation's tabs expanded, tabWidth of them; with a tabWidth
 * of 1 a column is a character, and lines are counted as recast splits them.)
 */
function parse(src: string): { ast: Node; at: (p: Pos) => number } {
  const lineStarts = [0];
  for (const m of src.matchAll(/\r\n?|\n|\u2028|\u2029/g)) lineStarts.push(m.index + m[0].length);
  const at = (p: Pos): number => lineStarts[p.line - 1]! + p.column;
  try {
    return { ast: parseModule(src, { tabWidth: 1 }).$ast as unknown as Node, at };
  } catch (err) {
    const e = err as Error & { loc?: { line: number; column: number } };
    const where = e.loc ? ` at line ${e.loc.line}, column ${e.loc.column + 1}` : '';
    throw new HakmemConfigError(`cannot read the config's source: ${e.message.replace(/\s*\(\d+:\d+\)$/, '')}${where}`);
  }
}

/** A key's name: an identifier's, or a string or number literal's value; undefined when computed. */
function keyName(prop: Node): string | undefined {
  const key = prop.key as Node | undefined;
  if (!key || prop.computed) return undefined;
  if (key.type === 'Identifier') return key.name as string;
  if (key.type === 'StringLiteral' || key.type === 'NumericLiteral') return String(key.value);
  return undefined;
}

/**
 * The object literal an expression stands for: the expression itself, the first argument of a
 * call (`defineConfig({ ... })`), through `as`, `satisfies`, `!` and parentheses, and through
 * a name to the module-level `const` it is (`export default config`, a shorthand `variants`).
 */
function objectOf(expr: unknown, scope: ReadonlyMap<string, Node>, seen = new Set<string>()): Node | undefined {
  let n = expr;
  while (isNode(n)) {
    switch (n.type) {
      case 'ObjectExpression':
        return n;
      case 'CallExpression':
        n = (n.arguments as unknown[])[0];
        break;
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'ParenthesizedExpression':
        n = n.expression;
        break;
      case 'Identifier': {
        const name = n.name as string;
        if (seen.has(name)) return undefined;
        seen.add(name);
        n = scope.get(name);
        break;
      }
      default:
        return undefined;
    }
  }
  return undefined;
}

/** The module's top-level `const`/`let`/`var` initialisers by name, and what it default-exports. */
function moduleScope(program: Node): { scope: Map<string, Node>; exported: unknown } {
  const scope = new Map<string, Node>();
  let exported: unknown;
  let exportedName: string | undefined;
  for (const stmt of program.body as Node[]) {
    const decl = stmt.type === 'ExportNamedDeclaration' ? (stmt.declaration as Node | null) : stmt;
    if (decl?.type === 'VariableDeclaration') {
      for (const d of decl.declarations as Node[]) {
        const id = d.id as Node;
        if (id.type === 'Identifier' && isNode(d.init)) scope.set(id.name as string, d.init);
      }
    }
    if (stmt.type === 'ExportDefaultDeclaration') exported = stmt.declaration;
    if (stmt.type === 'ExportNamedDeclaration' && !stmt.source) {
      for (const spec of (stmt.specifiers as Node[] | undefined) ?? []) {
        const name = spec.exported as Node;
        if ((name.name ?? name.value) === 'default') exportedName = (spec.local as Node).name as string;
      }
    }
  }
  if (exported === undefined && exportedName) exported = { type: 'Identifier', name: exportedName };
  return { scope, exported };
}

/** The index of the comma after `i` with only whitespace and comments before it, if there is one. */
function commaAfter(src: string, i: number, limit: number): number | undefined {
  while (i < limit) {
    if (/\s/.test(src[i]!)) i++;
    else if (src.startsWith('//', i)) i = src.indexOf('\n', i) < 0 ? limit : src.indexOf('\n', i);
    else if (src.startsWith('/*', i)) i = src.indexOf('*/', i + 2) < 0 ? limit : src.indexOf('*/', i + 2) + 2;
    else return src[i] === ',' ? i : undefined;
  }
  return undefined;
}

/**
 * The braces of the `variants: { ... }` object literal of the default export (followed through
 * names and `defineConfig(...)`), and its entries.
 */
function variantsObject(src: string): { open: number; close: number; entries: Entry[] } {
  const { ast, at } = parse(src);
  const program = (ast.program ?? ast) as Node;
  const { scope, exported } = moduleScope(program);
  const config = objectOf(exported, scope);
  // the last `variants` wins, as in JavaScript
  const prop = ((config?.properties as Node[] | undefined) ?? [])
    .filter((p) => p.type === 'ObjectProperty' && keyName(p) === 'variants')
    .at(-1);
  const variants = prop && objectOf(prop.value, scope);
  if (!variants) {
    throw new HakmemConfigError(
      'the config has no `variants: { ... }` object literal in its default export ' +
        '(`export default defineConfig({ slots, variants: { ... } })`) to write a variant into',
    );
  }
  const start = (n: Node): number => at(n.loc.start);
  const end = (n: Node): number => at(n.loc.end);
  const props = variants.properties as Node[];
  const close = end(variants) - 1;
  const entries = props.map((p, n) => ({
    key: p.type === 'SpreadElement' ? undefined : keyName(p),
    start: start(p),
    end: end(p),
    comma: commaAfter(src, end(p), props[n + 1] ? start(props[n + 1]!) : close),
  }));
  return { open: start(variants), close, entries };
}

/**
 * `source` with `v` inserted as the last entry of the `variants: { ... }` object of the default
 * export; every other byte stays (bar a comma after the entry before it, when that had none).
 * Throws HakmemConfigError when no such object literal is found, or when a variant of that name
 * exists (`replace: true` replaces that entry's text instead).
 */
export function insertVariant(source: string, v: NewVariant, opts: { replace?: boolean } = {}): string {
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const { open, close, entries } = variantsObject(source);
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
