// The `hakmem` command line: each command's own option table and help, and the parsing that
// holds a command to its table (an option of another command is refused, naming that command).
import { parseArgs } from 'node:util';
import { HakmemError } from '@hakmem/compose';

/** One option of a command: what node:util parseArgs takes, plus its line of help. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** the value's name in help, for a string option: `--out DIR` */
  value?: string;
  /** one line */
  help: string;
}

/** One command: its usage lines, a summary for `hakmem --help`, a longer text for `hakmem <command> --help`. */
export interface CommandSpec {
  name: string;
  /** what follows `hakmem <name>` on each usage line */
  usage: readonly string[];
  /** one line, for the list of commands */
  summary: string;
  /** paragraphs printed between the usage and the options */
  description?: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** the most positionals the command takes before any `--` (default: none) */
  maxPositionals?: number;
  /** what follows the first `--` is the command's, not options (profile, tune) */
  passthrough?: boolean;
}

/** Options every command takes. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  config: {
    type: 'string',
    value: 'PATH',
    help: 'the config (default: hakmem.config.ts here or in a parent, up to the workspace root)',
  },
  help: { type: 'boolean', short: 'h', help: "this command's help" },
};

/** Options taken before or instead of a command. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  ...COMMON_OPTIONS,
  help: { type: 'boolean', short: 'h', help: 'this text; hakmem <command> --help for a command' },
  version: { type: 'boolean', short: 'V', help: "print @hakmem/cli's version" },
};

/** A usage error in one command: the CLI prints `hakmem <command>: <message>`. */
export class HakmemUsageError extends HakmemError {
  override name = 'HakmemUsageError';
  constructor(
    readonly command: string,
    message: string,
  ) {
    super(message);
  }
}

const optionColumn = (name: string, o: OptionSpec): string =>
  `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`;

function formatOptions(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).map(([n, o]) => [optionColumn(n, o), o.help] as const);
  const width = Math.max(...rows.map(([c]) => c.length)) + 2;
  return rows.map(([c, h]) => `  ${c.padEnd(width)}${h}`);
}

/** `hakmem <command> --help`: usage, description, options one line each. */
export function formatCommandHelp(cmd: CommandSpec): string {
  const out = cmd.usage.map((u, i) => `${i === 0 ? 'usage:' : '      '} hakmem ${cmd.name}${u ? ` ${u}` : ''}`);
  out.push('', cmd.summary);
  if (cmd.description) out.push('', cmd.description.trimEnd());
  out.push('', 'options:', ...formatOptions({ ...cmd.options, ...COMMON_OPTIONS }));
  return `${out.join('\n')}\n`;
}

/** `hakmem --help`: every command's usage and summary, and the global options. */
export function formatUsage(commands: readonly CommandSpec[]): string {
  const out = ['usage: hakmem <command> [options]', '', 'commands:'];
  for (const c of commands) {
    for (const u of c.usage) out.push(`  ${c.name}${u ? ` ${u}` : ''}`);
    out.push(`      ${c.summary}`);
  }
  out.push('', 'options:', ...formatOptions(GLOBAL_OPTIONS));
  out.push('', "hakmem <command> --help (or hakmem help <command>) prints a command's options.");
  return `${out.join('\n')}\n`;
}

const isValueOption = (commands: readonly CommandSpec[], token: string): boolean => {
  if (!token.startsWith('--') || token.includes('=')) return false;
  const name = token.slice(2);
  return GLOBAL_OPTIONS[name]?.type === 'string' || commands.some((c) => c.options[name]?.type === 'string');
};

/**
 * Where the command is in argv: the first word before any `--` that is neither an option nor
 * the value of one (`hakmem --config c.ts build v` names build).
 */
export function findCommand(argv: readonly string[], commands: readonly CommandSpec[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return -1;
    if (a.startsWith('-') && a !== '-') {
      if (isValueOption(commands, a)) i++;
      continue;
    }
    return i;
  }
  return -1;
}

const list = (words: string[]): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;

export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** what followed the first `--` (passthrough commands) */
  tail: string[];
}

/**
 * Parses a command's arguments (argv without the command word) against its own table, the
 * common options and --version. An option of another command is refused naming the command
 * that takes it; an unknown one, pointing at the command's help.
 */
export function parseCommand(
  cmd: CommandSpec,
  args: readonly string[],
  commands: readonly CommandSpec[],
): ParsedCommand {
  const dashdash = cmd.passthrough ? args.indexOf('--') : -1;
  const own = dashdash >= 0 ? args.slice(0, dashdash) : [...args];
  const tail = dashdash >= 0 ? args.slice(dashdash + 1) : [];
  const options = { ...cmd.options, ...COMMON_OPTIONS, version: GLOBAL_OPTIONS.version! };
  const table = Object.fromEntries(
    Object.entries(options).map(([n, o]) => [n, { type: o.type, ...(o.short ? { short: o.short } : {}) }]),
  );
  const loose = parseArgs({ args: own, options: table, strict: false, allowPositionals: true, tokens: true });
  for (const t of loose.tokens) {
    if (t.kind !== 'option' || t.name in options) continue;
    const takers = commands.filter((c) => c !== cmd && t.name in c.options).map((c) => `hakmem ${c.name}`);
    throw new HakmemUsageError(
      cmd.name,
      takers.length
        ? `unknown option ${t.rawName} (${list(takers)} ${takers.length === 1 ? 'takes' : 'take'} it)`
        : `unknown option ${t.rawName}; hakmem ${cmd.name} --help lists its options`,
    );
  }
  const parsed = ((): { values: ParsedCommand['values']; positionals: string[] } => {
    try {
      return parseArgs({ args: own, options: table, strict: true, allowPositionals: true });
    } catch (err) {
      throw new HakmemUsageError(cmd.name, (err as Error).message);
    }
  })();
  const positionals = parsed.positionals;
  const max = cmd.maxPositionals ?? 0;
  if (!cmd.passthrough && positionals.length > max) {
    throw new HakmemUsageError(
      cmd.name,
      max === 0
        ? `takes no arguments, not '${positionals.join(' ')}'`
        : `unexpected argument '${positionals.slice(max).join(' ')}'; usage: hakmem ${cmd.name} ${cmd.usage[0]}`,
    );
  }
  return { values: parsed.values, positionals, tail };
}
