import { HakmemConfigError } from '../errors.js';

// Just enough of JavaScript's lexical grammar to find object literals and their entries in a
// config's source without parsing it: strings, template literals (with ${} nesting), comments
// and bracket groups. Regular-expression literals are not recognised (configs have none).

const OPEN = '{([';
const CLOSE = '})]';

const lineOf = (src: string, i: number): number => src.slice(0, i).split('\n').length;

function fail(src: string, i: number, what: string): never {
  throw new HakmemConfigError(`cannot read the config's source: ${what} at line ${lineOf(src, i)}`);
}

/** The index just after the string, template literal or comment that starts at `i`; `i` when none does. */
export function skipLiteral(src: string, i: number): number {
  const c = src[i];
  if (c === '/' && src[i + 1] === '/') {
    const end = src.indexOf('\n', i);
    return end < 0 ? src.length : end;
  }
  if (c === '/' && src[i + 1] === '*') {
    const end = src.indexOf('*/', i + 2);
    if (end < 0) fail(src, i, 'an unclosed comment');
    return end + 2;
  }
  if (c === "'" || c === '"') {
    for (let j = i + 1; j < src.length && src[j] !== '\n'; j++) {
      if (src[j] === '\\') j++;
      else if (src[j] === c) return j + 1;
    }
    fail(src, i, 'an unclosed string');
  }
  if (c === '`') {
    for (let j = i + 1; j < src.length; j++) {
      if (src[j] === '\\') j++;
      else if (src[j] === '`') return j + 1;
      else if (src[j] === '$' && src[j + 1] === '{') j = closeOf(src, j + 1);
    }
    fail(src, i, 'an unclosed template literal');
  }
  return i;
}

/** The index of the bracket that closes the one at `open`. */
export function closeOf(src: string, open: number): number {
  const want = CLOSE[OPEN.indexOf(src[open]!)];
  for (let i = open + 1; i < src.length; ) {
    const end = skipLiteral(src, i);
    const c = src[i]!;
    if (end !== i) i = end;
    else if (OPEN.includes(c)) i = closeOf(src, i) + 1;
    else if (c === want) return i;
    else if (CLOSE.includes(c)) fail(src, i, `'${c}' where '${want}' was expected`);
    else i++;
  }
  fail(src, open, `an unclosed '${src[open]}'`);
}

/** The index of the first code character at or after `i` (whitespace and comments skipped). */
export function skipTrivia(src: string, i: number): number {
  for (;;) {
    while (i < src.length && /\s/.test(src[i]!)) i++;
    if (src[i] !== '/' || (src[i + 1] !== '/' && src[i + 1] !== '*')) return i;
    i = skipLiteral(src, i);
  }
}

/** One entry of an object literal. */
export interface Entry {
  /** The key: an identifier, number or string's value; undefined for a spread or a computed key. */
  readonly key: string | undefined;
  /** Where the entry's first code character is. */
  readonly start: number;
  /** Just after its last code character (comments after it are not part of it). */
  readonly end: number;
  /** Where its value starts, after `key:`; undefined for a spread, shorthand or method. */
  readonly valueStart: number | undefined;
  /** The index of the comma after it, if one follows. */
  readonly comma: number | undefined;
}

const KEY = /[A-Za-z_$][\w$]*|\d+/y;

function keyAt(src: string, i: number): string | undefined {
  const c = src[i];
  if (c === "'" || c === '"') return decodeString(src.slice(i + 1, skipLiteral(src, i) - 1));
  KEY.lastIndex = i;
  return KEY.exec(src)?.[0];
}

/** The entries of the object literal whose braces are at `open` and `close`. */
export function entriesOf(src: string, open: number, close: number): Entry[] {
  const entries: Entry[] = [];
  let start = -1;
  let end = -1;
  let colon = -1;
  let valueStart = -1;
  const push = (comma: number | undefined): void => {
    if (start < 0) return;
    entries.push({
      key: src.startsWith('...', start) ? undefined : keyAt(src, start),
      start,
      end,
      valueStart: valueStart < 0 ? undefined : valueStart,
      comma,
    });
    start = end = colon = valueStart = -1;
  };
  for (let i = open + 1; i < close; ) {
    const c = src[i]!;
    let next = skipLiteral(src, i);
    if (/\s/.test(c) || (next !== i && c === '/')) {
      i = next === i ? i + 1 : next;
      continue;
    }
    if (c === ',') {
      push(i);
      i++;
      continue;
    }
    if (next === i) next = OPEN.includes(c) ? closeOf(src, i) + 1 : i + 1;
    if (start < 0) start = i;
    else if (c === ':' && colon < 0) colon = i;
    else if (colon >= 0 && valueStart < 0) valueStart = i;
    end = next;
    i = next;
  }
  push(undefined);
  return entries;
}

const wordAt = (src: string, i: number, word: string): boolean =>
  src.startsWith(word, i) && !/[\w$]/.test(src[i - 1] ?? '') && !/[\w$]/.test(src[i + word.length] ?? '');

/**
 * The index of the `{` of the object literal the module default-exports: `export default {`, or
 * the first argument of a call, `export default defineConfig({`; undefined when there is none.
 */
export function defaultExportObject(src: string): number | undefined {
  for (let i = 0; i < src.length; ) {
    const next = skipLiteral(src, i);
    if (next !== i) {
      i = next;
      continue;
    }
    if (wordAt(src, i, 'export')) {
      const d = skipTrivia(src, i + 'export'.length);
      if (wordAt(src, d, 'default')) {
        for (let j = d + 'default'.length; j < src.length; ) {
          const after = skipLiteral(src, j);
          if (after !== j) j = after;
          else if (src[j] === '{') return j;
          else if (src[j] === ';' || src[j] === ')') return undefined;
          else j++;
        }
        return undefined;
      }
    }
    i++;
  }
  return undefined;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', 0: '\0' };

/** The value of a string literal's body (between its quotes). */
export function decodeString(body: string): string {
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])/g, (_, e: string) =>
    (e[0] === 'u' || e[0] === 'x') && e.length > 1
      ? String.fromCodePoint(Number.parseInt(e.replace(/[ux{}]/g, ''), 16))
      : e === '\n' || e === '\r\n' || e === '\r' || e === '\u2028' || e === '\u2029'
        ? ''
        : (ESCAPES[e] ?? e),
  );
}
