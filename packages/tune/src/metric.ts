/**
 * What `hakmem tune` ranks runs by (`--metric`): wall seconds (the default), CPU seconds (user +
 * sys of the command and the children it waited for, from runrss's wait4), or a figure the
 * command prints, the first capture group of a regular expression on its stdout and stderr, for
 * programs that run for a set time (a server, a fixed-duration benchmark) and take the same wall
 * time under every allocator. Wall and CPU time are lower-is-better; a printed figure says which
 * way it goes (--higher-is-better / --lower-is-better). Pure.
 */
import { HakmemError } from '@hakmem/compose';
import type { RunSample } from './measure.js';

export interface Metric {
  readonly kind: 'wall' | 'cpu' | 'regex';
  /** The pattern's source (kind 'regex'); matched with the 'm' flag, first match. */
  readonly regex?: string;
  readonly higherIsBetter: boolean;
  /** What the figure is: 'wall seconds', 'CPU seconds', or a name read from the pattern ('ops/s'). */
  readonly name: string;
}

export const WALL: Metric = { kind: 'wall', higherIsBetter: false, name: 'wall seconds' };
export const CPU: Metric = { kind: 'cpu', higherIsBetter: false, name: 'CPU seconds' };

/** 'ops/s (higher is better)'. */
export const metricLabel = (m: Metric): string => `${m.name} (${m.higherIsBetter ? 'higher' : 'lower'} is better)`;

/** For the command line and the record: 'wall', 'cpu', or the pattern with its direction. */
export const metricFlags = (m: Metric): string =>
  m.kind === 'regex'
    ? `--metric '${m.regex}' --${m.higherIsBetter ? 'higher' : 'lower'}-is-better`
    : `--metric ${m.kind}`;

/** How many capture groups a pattern has (a pattern that also matches '' reports them all). */
const groupCount = (re: RegExp): number => (new RegExp(`${re.source}|`, re.flags).exec('')?.length ?? 1) - 1;

/**
 * The --metric option with --higher-is-better / --lower-is-better: 'wall' (also when absent) and
 * 'cpu' are lower-is-better (--lower-is-better is allowed, --higher-is-better refused); anything
 * else is a regular expression with at least one capture group and needs one of the two.
 */
export function parseMetric(spec: string | undefined, higher = false, lower = false): Metric {
  if (higher && lower)
    throw new HakmemError('--higher-is-better and --lower-is-better contradict each other: give one');
  if (spec === undefined || spec === 'wall' || spec === 'cpu') {
    const m = spec === 'cpu' ? CPU : WALL;
    if (higher)
      throw new HakmemError(`--metric ${spec ?? 'wall'} is ${m.name}, lower is better: drop --higher-is-better`);
    return m;
  }
  if (spec === '') throw new HakmemError('--metric needs wall, cpu or a regular expression');
  let re: RegExp;
  try {
    re = new RegExp(spec, 'm');
  } catch (err) {
    throw new HakmemError(`--metric '${spec}' is not a valid regular expression: ${(err as Error).message}`);
  }
  if (groupCount(re) < 1) {
    throw new HakmemError(
      `--metric '${spec}' has no capture group: put the number in parentheses, e.g. --metric 'ops/s: ([0-9.]+)'`,
    );
  }
  if (!higher && !lower) {
    throw new HakmemError(
      `--metric '${spec}' is a figure the command prints: say which way is better with --higher-is-better or --lower-is-better`,
    );
  }
  return { kind: 'regex', regex: spec, higherIsBetter: higher, name: metricName(spec) };
}

/**
 * A name for a pattern's figure, from its literal text: the text just before the first capture
 * group ('ops/s: ([0-9.]+)' → 'ops/s'), else just after it ('([0-9.]+) req/s' → 'req/s'), else
 * 'the figure of /PATTERN/'.
 */
export function metricName(pattern: string): string {
  const open = firstGroup(pattern);
  const close = open < 0 ? -1 : groupEnd(pattern, open);
  const before = open < 0 ? pattern : pattern.slice(0, open);
  const after = close < 0 ? '' : pattern.slice(close + 1);
  const pick = (segs: string[], last: boolean) => {
    const s = segs.map((x) => x.replace(/^[\s:=,;]+|[\s:=,;]+$/g, '')).filter((x) => /[A-Za-z%/]/.test(x));
    return last ? s[s.length - 1] : s[0];
  };
  const name = pick(literals(before), true) ?? pick(literals(after), false);
  return name && name.length <= 40
    ? name
    : `the figure of /${pattern.length > 40 ? `${pattern.slice(0, 37)}...` : pattern}/`;
}

/** Where the first capturing group opens (not '(?:', '(?=', '(?<=' ..., but '(?<name>' counts); -1 if none. */
function firstGroup(p: string): number {
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(' && (p[i + 1] !== '?' || (p[i + 2] === '<' && p[i + 3] !== '=' && p[i + 3] !== '!'))) return i;
  }
  return -1;
}

/** The ')' that closes the group opening at `open`; -1 if unbalanced. */
function groupEnd(p: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The runs of literal text of a pattern fragment outside groups: escapes of punctuation
 * unescaped, \s a space, anything else (classes, groups, wildcards, anchors, alternation) a
 * break; quantifiers dropped. */
function literals(p: string): string[] {
  const out: string[] = [];
  let cur = '';
  const cut = () => {
    out.push(cur);
    cur = '';
  };
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      const e = p[++i] ?? '';
      if (e === 's') cur += ' ';
      else if (/[A-Za-z0-9]/.test(e)) cut();
      else cur += e;
    } else if (c === '[') {
      cut();
      while (i < p.length && p[i] !== ']') i += p[i] === '\\' ? 2 : 1;
    } else if (c === '{') {
      while (i < p.length && p[i] !== '}') i++;
    } else if ('+*?'.includes(c)) {
      // a quantifier: the character before it is optional or repeated; keep it as text
    } else if (c === '(') {
      // a group's text is not the figure's name: skip it whole
      cut();
      const end = groupEnd(p, i);
      i = end < 0 ? p.length : end;
    } else if (').|^$'.includes(c)) cut();
    else cur += c;
  }
  cut();
  return out.map((s) => s.replace(/\s+/g, ' '));
}

/** A number as a program prints it: decimal or exponent notation, optionally with thousands
 * separators (1,234,567.8 or 1_234_567); NaN otherwise. */
export function parseFigure(text: string): number {
  const t = text.trim();
  const plain = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  const grouped = /^[+-]?\d{1,3}([,_]\d{3})+(\.\d*)?([eE][+-]?\d+)?$/;
  if (plain.test(t)) return Number(t);
  if (grouped.test(t) && !(t.includes(',') && t.includes('_'))) return Number(t.replace(/[,_]/g, ''));
  return Number.NaN;
}

/** The figure of a run's output: the first match's first capture group, as a number; or why not. */
export function figureOf(m: Metric, output: string): { value: number } | { error: string } {
  const re = new RegExp(m.regex ?? '', 'm');
  const hit = re.exec(output);
  if (!hit) return { error: `its output did not match --metric /${m.regex}/` };
  const g = hit.slice(1).find((x) => x !== undefined);
  if (g === undefined) return { error: `--metric /${m.regex}/ matched '${hit[0]}' but captured nothing` };
  const value = parseFigure(g);
  if (!Number.isFinite(value)) return { error: `--metric /${m.regex}/ captured '${g}', which is not a number` };
  return { value };
}

/** A run's figure under the metric (NaN for a failed run, or a printed figure it lacks). */
export function metricValue(m: Pick<Metric, 'kind'>, r: RunSample): number {
  if (!r.ok) return Number.NaN;
  return m.kind === 'cpu' ? r.cpu : m.kind === 'regex' ? (r.figure ?? Number.NaN) : r.wall;
}
