import { isAbsolute, join, relative } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  type CommandSpec,
  findCommand,
  formatCommandHelp,
  formatUsage,
  GLOBAL_OPTIONS,
  HakmemUsageError,
  parseCommand,
} from './cli-args.js';
import {
  buildVariant,
  contractEntries,
  runContractCheck,
  writeCompileCommands,
  loadConfig,
  exportVariant,
  DEFAULT_PREFIX,
  installVariant,
  HakmemError,
  envOptions,
  formatEnvOptions,
  formatListing,
  listing,
  getVariant,
} from '@hakmem/compose';
import { runDemo } from './demo.js';
// tune and profile load when their command runs (tune's config editor brings a parser): the
// help and the option checks need only their defaults.
import { DEFAULT_PROFILE_DIR, DEFAULT_PROFILE_VARIANT } from '@hakmem/profile/options';
import { GOALS, type Goal, DEFAULT_REPS, DEFAULT_TUNE_DIR, DEFAULT_TUNE_NAME, PEERS } from '@hakmem/tune/options';

const string = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'build',
    usage: ['<variant...> [--install [--prefix P]]', '--all [--install [--prefix P]]'],
    summary: 'compose and compile variants into dist/<variant>/',
    description: `--install puts under DESTDIR/P (default ${DEFAULT_PREFIX}): lib/libhakmem-<v>.so.<major>, its dev
symlink, lib/libhakmem-<v>.a, include/hakmem.h, lib/pkgconfig/hakmem-<v>.pc, lib/cmake/hakmem/
(find_package(hakmem)); the default variant also as libhakmem, hakmem.pc.`,
    options: {
      all: { type: 'boolean', help: 'build every variant of the config' },
      install: { type: 'boolean', help: 'then install each variant under DESTDIR/P' },
      prefix: { type: 'string', value: 'P', help: `the install prefix, an absolute path (default ${DEFAULT_PREFIX})` },
    },
    maxPositionals: Infinity,
  },
  {
    name: 'export',
    usage: ['<variant> [--out DIR]'],
    summary: 'write the variant as one C file, hakmem-<variant>.c, and hakmem.h',
    description: 'The C file compiles with a C compiler alone: no hakmem, no Node.',
    options: { out: { type: 'string', value: 'DIR', help: 'where to write them (default: .)' } },
    maxPositionals: Infinity,
  },
  {
    name: 'list',
    usage: ['[--json]', '--env [--json]'],
    summary: 'slots, boxes, tunables and variants; or the environment variables a library reads',
    options: {
      env: { type: 'boolean', help: 'the environment variables a hakmem library reads at start-up' },
      json: { type: 'boolean', help: 'as JSON' },
    },
  },
  {
    name: 'demo',
    usage: ['[variant]'],
    summary: 'run a Python workload on dist/<variant>/libhakmem.so (default: default)',
    options: {},
    maxPositionals: 1,
  },
  {
    name: 'check',
    usage: [''],
    summary: 'compile every box file alone against its headers; write compile_commands.json',
    description: 'The contract check: each box file must compile with only the headers it includes.',
    options: {},
  },
  {
    name: 'profile',
    usage: ['[--variant V] [--out DIR] [--rate BYTES] [--exe REGEX] -- <command> [args...]'],
    summary: 'run a command with a sampling variant preloaded and write a heap profile',
    description: `The variant (default: ${DEFAULT_PROFILE_VARIANT}) is built unless dist/ holds a build of the same sources.
Writes to DIR: profile.svg (flame graph of allocated bytes), top.txt (allocation sites), leaks.txt
(blocks live at exit), alloc/inuse.pb.gz (pprof), alloc/inuse.folded, raw-<pid>.prof.
Exits with the command's status.`,
    options: {
      variant: { type: 'string', value: 'V', help: `the sampling variant (default: ${DEFAULT_PROFILE_VARIANT})` },
      out: { type: 'string', value: 'DIR', help: `where to write the profile (default: ./${DEFAULT_PROFILE_DIR})` },
      rate: {
        type: 'string',
        value: 'BYTES',
        help: 'mean bytes between samples: 64K, 1M (HAKMEM_SAMPLER_SAMPLE_BYTES)',
      },
      exe: {
        type: 'string',
        value: 'REGEX',
        help: "report processes whose program matches (default: the command's own; . for all)",
      },
    },
    passthrough: true,
  },
  {
    name: 'tune',
    usage: ['[--goal speed|memory|balanced] [--budget MINUTES] [--base V] [--name NAME] -- <command> [args...]'],
    summary: 'find the variant that runs a command best and write it into the config',
    description: `Measures the command under the base variant, single box and tunable changes from it, their
combination and the peer allocators, repetitions interleaved; writes the winner into the config
as variant NAME where a rank test says it beats the base beyond the run-to-run spread.
Writes tune.json, table.txt and chart.svg to DIR; resumes an interrupted tune there.
--metric wall|cpu|REGEX ranks runs by wall seconds (default), CPU seconds (user + sys of the
command and its children), or the number in REGEX's first capture group, read from the
command's output, with --higher-is-better or --lower-is-better (e.g. --metric 'ops/s: ([0-9.]+)'
--higher-is-better), for programs that run for a set time.`,
    options: {
      goal: { type: 'string', value: 'G', help: `what to win at: ${GOALS.join(', ')} (default: speed)` },
      budget: { type: 'string', value: 'MINUTES', help: 'how long to measure (default: 10)' },
      base: { type: 'string', value: 'V', help: 'the variant to start from (default: default)' },
      name: { type: 'string', value: 'NAME', help: `the winner's variant name (default: ${DEFAULT_TUNE_NAME})` },
      reps: { type: 'string', value: 'N', help: `repetitions of each candidate, 3 to 100 (default: ${DEFAULT_REPS})` },
      out: { type: 'string', value: 'DIR', help: `where to write the record (default: ./${DEFAULT_TUNE_DIR})` },
      peers: { type: 'string', value: 'a,b|none', help: `peer allocators to measure (default: ${PEERS.join(',')})` },
      metric: { type: 'string', value: 'M', help: 'wall, cpu, or a REGEX with a capture group (default: wall)' },
      'higher-is-better': { type: 'boolean', help: 'a REGEX metric: a higher number wins' },
      'lower-is-better': { type: 'boolean', help: 'a REGEX metric: a lower number wins' },
      'dry-run': { type: 'boolean', help: 'print the winner, do not write it' },
      fresh: { type: 'boolean', help: 'do not resume an interrupted tune in DIR' },
    },
    passthrough: true,
  },
];

const USAGE = formatUsage(COMMANDS);

/** @hakmem/cli's version, from its package.json (beside src/ and dist/ alike). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** A path relative to the working directory when it is below it, else absolute. */
const shown = (p: string): string => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};

/** Runs the CLI; returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const at = findCommand(argv, COMMANDS);
    if (at < 0) {
      // no command: --help, --version, or nothing
      const { values } = parseArgs({
        args: argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : [...argv],
        options: Object.fromEntries(
          Object.entries(GLOBAL_OPTIONS).map(([n, o]) => [n, { type: o.type, ...(o.short ? { short: o.short } : {}) }]),
        ),
        allowPositionals: true,
      });
      if (values.version) {
        process.stdout.write(`${cliVersion()}\n`);
        return 0;
      }
      process.stdout.write(USAGE);
      return values.help ? 0 : 1;
    }
    const command = argv[at]!;
    if (command === 'help') {
      const topic = argv.slice(at + 1).find((a) => !a.startsWith('-'));
      const spec = COMMANDS.find((c) => c.name === topic);
      if (topic !== undefined && !spec)
        throw new HakmemError(`unknown command '${topic}'; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
      process.stdout.write(spec ? formatCommandHelp(spec) : USAGE);
      return 0;
    }
    const spec = COMMANDS.find((c) => c.name === command);
    if (!spec) {
      throw new HakmemError(
        `unknown command '${command}'; commands: ${COMMANDS.map((c) => c.name).join(', ')}\n\n${USAGE}`,
      );
    }
    const {
      values,
      positionals: rest,
      tail,
    } = parseCommand(spec, [...argv.slice(0, at), ...argv.slice(at + 1)], COMMANDS);
    if (values.version) {
      process.stdout.write(`${cliVersion()}\n`);
      return 0;
    }
    if (values.help) {
      process.stdout.write(formatCommandHelp(spec));
      return 0;
    }
    const configPath = string(values.config);
    const opt = (n: string): string | undefined => string(values[n]);
    const flag = (n: string): boolean => values[n] === true;
    switch (command) {
      case 'build': {
        const config = await loadConfig(configPath);
        const prefix = opt('prefix');
        if (prefix !== undefined && !flag('install')) throw new HakmemError('--prefix goes with --install');
        if (prefix !== undefined && !isAbsolute(prefix)) {
          throw new HakmemError(`--prefix must be an absolute path, not '${prefix}'`);
        }
        const names = flag('all') ? Object.keys(config.variants) : rest;
        if (names.length === 0) {
          throw new HakmemError(
            `name a variant to build, or --all; variants: ${Object.keys(config.variants).join(', ')}`,
          );
        }
        for (const n of names) getVariant(config, n);
        for (const n of names) {
          const started = Date.now();
          const r = await buildVariant(config, n);
          if (r.diagnostics) process.stderr.write(r.diagnostics);
          process.stdout.write(
            `hakmem: built ${n} -> ${r.distDir} (${((Date.now() - started) / 1000).toFixed(1)} s)${
              r.addon ? '' : `, without the Node addon (CC builds for ${r.target ?? 'another machine'})`
            }\n`,
          );
          if (flag('install')) {
            const inst = await installVariant(config, n, r, { prefix: prefix ?? DEFAULT_PREFIX });
            process.stdout.write(`hakmem: installed ${n} -> ${inst.root}: ${inst.files.join(', ')}\n`);
          }
        }
        return 0;
      }
      case 'export': {
        const config = await loadConfig(configPath);
        const [name, ...extra] = rest;
        if (name === undefined || extra.length) {
          throw new HakmemError(`name one variant to export; variants: ${Object.keys(config.variants).join(', ')}`);
        }
        const r = exportVariant(config, name, opt('out') ?? '.');
        process.stdout.write(`hakmem: exported ${name} -> ${shown(r.file)}, ${shown(r.header)}\n`);
        return 0;
      }
      case 'check': {
        const config = await loadConfig(configPath);
        const entries = contractEntries(config);
        const compdb = join(config.rootDir, 'compile_commands.json');
        writeCompileCommands(entries, compdb);
        const failures = await runContractCheck(entries);
        for (const f of failures) {
          process.stderr.write(
            `hakmem check: ${f.entry.slot}/${f.entry.box}: ${relative(config.rootDir, f.entry.file)} does not compile alone:\n${f.diagnostics}\n`,
          );
        }
        const files = new Set(entries.map((e) => e.file)).size;
        process.stdout.write(
          `hakmem check: ${entries.length - failures.length}/${entries.length} checks passed (${files} files); wrote ${relative(process.cwd(), compdb) || compdb}\n`,
        );
        return failures.length ? 1 : 0;
      }
      case 'list': {
        if (flag('env')) {
          const options = envOptions((await loadConfig(configPath)).slots);
          process.stdout.write(flag('json') ? `${JSON.stringify(options, null, 2)}\n` : formatEnvOptions(options));
          return 0;
        }
        const l = listing(await loadConfig(configPath));
        process.stdout.write(flag('json') ? `${JSON.stringify(l, null, 2)}\n` : formatListing(l));
        return 0;
      }
      case 'demo': {
        const config = await loadConfig(configPath);
        const variant = rest[0] ?? 'default';
        const r = await runDemo(config, variant);
        process.stdout.write(r.output);
        process.stdout.write(`\nhakmem (${variant}) reported:\n${r.report.map((l) => `  ${l}`).join('\n')}\n`);
        return 0;
      }
      case 'profile': {
        const [cmd, ...args] = [...rest, ...tail];
        if (cmd === undefined)
          throw new HakmemError('name the command to profile: hakmem profile [options] -- <command> [args...]');
        const [rateText, variant, outDir, exe] = [opt('rate'), opt('variant'), opt('out'), opt('exe')];
        const { parseRate, runProfile } = await import('@hakmem/profile');
        const rate = rateText === undefined ? undefined : parseRate(rateText);
        const config = await loadConfig(configPath);
        const r = await runProfile(config, {
          command: cmd,
          args,
          ...(variant !== undefined ? { variant } : {}),
          ...(outDir !== undefined ? { outDir } : {}),
          ...(rate !== undefined ? { rate } : {}),
          ...(exe !== undefined ? { exe } : {}),
          log: (l) => process.stderr.write(`hakmem profile: ${l}\n`),
        });
        if (r.report) process.stderr.write(r.report.summary);
        if (r.problem) process.stderr.write(`hakmem: ${r.problem}\n`);
        // the command's own status; 1 when it succeeded but no report came of it
        return r.status !== 0 ? r.status : r.problem ? 1 : 0;
      }
      case 'tune': {
        const [cmd, ...args] = [...rest, ...tail];
        if (cmd === undefined)
          throw new HakmemError('name the command to tune for: hakmem tune [options] -- <command> [args...]');
        const { parseMetric, runTune, variantSource } = await import('@hakmem/tune');
        const goal = (opt('goal') ?? 'speed') as Goal;
        if (!GOALS.includes(goal))
          throw new HakmemError(`--goal must be one of ${GOALS.join(', ')}, not '${opt('goal')}'`);
        const budget = Number(opt('budget') ?? '10');
        if (!(budget > 0) || !Number.isFinite(budget)) {
          throw new HakmemError(`--budget must be a positive number of minutes, not '${opt('budget')}'`);
        }
        const reps = Number(opt('reps') ?? String(DEFAULT_REPS));
        if (!Number.isInteger(reps) || reps < 3 || reps > 100) {
          throw new HakmemError(`--reps must be a whole number from 3 to 100, not '${opt('reps')}'`);
        }
        const peerList = opt('peers');
        const peers =
          peerList === undefined ? [...PEERS] : peerList === 'none' ? [] : peerList.split(',').filter(Boolean);
        for (const p of peers) {
          if (!(PEERS as readonly string[]).includes(p))
            throw new HakmemError(`unknown peer '${p}'; peers: ${PEERS.join(', ')}, or none`);
        }
        const metric = parseMetric(opt('metric'), flag('higher-is-better'), flag('lower-is-better'));
        const name = opt('name') ?? DEFAULT_TUNE_NAME;
        const config = await loadConfig(configPath);
        const log = (l: string) => process.stderr.write(`hakmem tune: ${l}\n`);
        const r = await runTune({
          config,
          command: cmd,
          args,
          goal,
          metric,
          base: opt('base') ?? 'default',
          name,
          budgetMs: budget * 60_000,
          reps,
          outDir: opt('out') ?? DEFAULT_TUNE_DIR,
          peers,
          dryRun: flag('dry-run'),
          fresh: flag('fresh'),
          log,
        });
        const exit = r.exit;
        process.stdout.write(`${r.table}\n\n${exit.message}\n`);
        if (exit.kind === 'winner') {
          process.stdout.write(
            exit.written
              ? `wrote variant '${name}' into ${shown(exit.written)}; build it with: npx hakmem build ${name}\n`
              : `the variant (--dry-run: not written):\n${variantSource(exit.variant)}`,
          );
        }
        process.stdout.write(`files: ${r.files.map((f) => shown(join(r.outDir, f))).join(', ')}\n`);
        return 0;
      }
      default:
        throw new Error(`hakmem ${command}: in COMMANDS but not run`);
    }
  } catch (err) {
    const e = err as Error;
    const known = err instanceof HakmemError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (err instanceof HakmemUsageError) {
      process.stderr.write(`hakmem ${err.command}: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`hakmem: ${known || !process.env.HAKMEM_DEBUG ? e.message : e.stack}\n`);
    return 1;
  }
}
