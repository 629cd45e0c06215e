import { isAbsolute, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { buildVariant } from './build.js';
import { contractEntries, runContractCheck, writeCompileCommands } from './contract.js';
import { loadConfig } from './config-load.js';
import { runDemo } from './demo.js';
import { exportVariant } from './export.js';
import { DEFAULT_PREFIX, installVariant } from './install.js';
import { HakmemError } from './errors.js';
import { envOptions, formatEnvOptions, formatListing, listing } from './list.js';
import { getVariant } from './validate.js';
import { parseRate } from './profile/rate.js';
import { DEFAULT_PROFILE_DIR, DEFAULT_PROFILE_VARIANT, runProfile } from './profile/run.js';
import { GOALS, type Goal } from './tune/candidates.js';
import { parseMetric } from './tune/metric.js';
import { DEFAULT_REPS, DEFAULT_TUNE_DIR, DEFAULT_TUNE_NAME, PEERS, runTune, variantSource } from './tune/run.js';

const USAGE = `usage: hakmem <command> [options]

commands:
  build <variant...>   compose and compile variants into dist/<variant>/
  build --all          build every variant of the config
  build <variant...> --install [--prefix P]
                       build, then install under DESTDIR/P (default /usr/local): lib/libhakmem-<v>.so.<major>,
                       its dev symlink, lib/libhakmem-<v>.a, include/hakmem.h, lib/pkgconfig/hakmem-<v>.pc,
                       lib/cmake/hakmem/ (find_package(hakmem)); the default variant also as libhakmem, hakmem.pc
  export <variant> [--out DIR]
                       write hakmem-<variant>.c (the variant as one C file that compiles with a C compiler
                       alone) and hakmem.h into DIR (default: .)
  list [--json]        slots, boxes, tunables and variants
  list --env [--json]  the environment variables a hakmem library reads at start-up
  demo [variant]       run a Python workload on dist/<variant>/libhakmem.so (default: default)
  profile [--variant V] [--out DIR] [--rate BYTES] [--exe REGEX] -- <command> [args...]
                       run a command with a sampling variant preloaded (default: ${DEFAULT_PROFILE_VARIANT};
                       built unless dist/ holds a build of the same sources) and write a heap profile to
                       DIR (default: ./${DEFAULT_PROFILE_DIR}): profile.svg (flame graph of allocated bytes),
                       top.txt (allocation sites), leaks.txt (blocks live at exit), alloc/inuse.pb.gz
                       (pprof), alloc/inuse.folded, raw-<pid>.prof; exits with the command's status.
                       --rate: mean bytes between samples, 64K, 1M (HAKMEM_SAMPLER_SAMPLE_BYTES);
                       --exe: report the processes whose program path matches REGEX (default: the
                       command's own program, what it ran last: a shim that execs python is python;
                       --exe . keeps every process)
  tune [--goal speed|memory|balanced] [--budget MINUTES] [--base V] [--name NAME] -- <command> [args...]
                       measure the command under the base variant (default: default), single box and
                       tunable changes from it, their combination and the peer allocators, repetitions
                       interleaved; write the winner into the config as variant NAME (default: ${DEFAULT_TUNE_NAME})
                       where a rank test says it beats the base beyond the run-to-run spread.
                       --reps N (default ${DEFAULT_REPS}), --out DIR (default ./${DEFAULT_TUNE_DIR}: tune.json,
                       table.txt, chart.svg), --peers a,b|none, --dry-run (print, do not write),
                       --fresh (do not resume an interrupted tune in DIR); budget default 10 minutes;
                       --metric wall|cpu|REGEX: rank runs by wall seconds (default), CPU seconds (user +
                       sys of the command and its children), or the number in REGEX's first capture
                       group, read from the command's output, with --higher-is-better or
                       --lower-is-better (e.g. --metric 'ops/s: ([0-9.]+)' --higher-is-better), for
                       programs that run for a set time
  check                compile every box's files alone against their headers (the contract
                       check) and write compile_commands.json for editors

options:
  --config <path>      the config (default: hakmem.config.ts in this or a parent directory,
                       up to the nearest package.json, or its workspace's root)
  -h, --help           this text
`;

/** A path relative to the working directory when it is below it, else absolute. */
const shown = (p: string): string => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};

/** Runs the CLI; returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    // `profile ... -- cmd args`: what follows the first `--` is the command, never our options
    const dashdash = argv.indexOf('--');
    const tail = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
    const { values, positionals } = parseArgs({
      args: dashdash >= 0 ? argv.slice(0, dashdash) : [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        all: { type: 'boolean', default: false },
        install: { type: 'boolean', default: false },
        prefix: { type: 'string' },
        env: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        variant: { type: 'string' },
        out: { type: 'string' },
        rate: { type: 'string' },
        exe: { type: 'string' },
        goal: { type: 'string' },
        budget: { type: 'string' },
        base: { type: 'string' },
        name: { type: 'string' },
        reps: { type: 'string' },
        peers: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        metric: { type: 'string' },
        'higher-is-better': { type: 'boolean', default: false },
        'lower-is-better': { type: 'boolean', default: false },
        fresh: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help || command === undefined || command === 'help') {
      process.stdout.write(USAGE);
      return command === undefined && !values.help ? 1 : 0;
    }
    switch (command) {
      case 'build': {
        const config = await loadConfig(values.config);
        if (values.prefix !== undefined && !values.install) throw new HakmemError('--prefix goes with --install');
        if (values.prefix !== undefined && !isAbsolute(values.prefix)) {
          throw new HakmemError(`--prefix must be an absolute path, not '${values.prefix}'`);
        }
        const names = values.all ? Object.keys(config.variants) : rest;
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
          if (values.install) {
            const inst = await installVariant(config, n, r, { prefix: values.prefix ?? DEFAULT_PREFIX });
            process.stdout.write(`hakmem: installed ${n} -> ${inst.root}: ${inst.files.join(', ')}\n`);
          }
        }
        return 0;
      }
      case 'export': {
        const config = await loadConfig(values.config);
        const [name, ...extra] = rest;
        if (name === undefined || extra.length) {
          throw new HakmemError(`name one variant to export; variants: ${Object.keys(config.variants).join(', ')}`);
        }
        const r = exportVariant(config, name, values.out ?? '.');
        process.stdout.write(`hakmem: exported ${name} -> ${shown(r.file)}, ${shown(r.header)}\n`);
        return 0;
      }
      case 'check': {
        const config = await loadConfig(values.config);
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
        if (values.env) {
          const options = envOptions((await loadConfig(values.config)).slots);
          process.stdout.write(values.json ? `${JSON.stringify(options, null, 2)}\n` : formatEnvOptions(options));
          return 0;
        }
        const l = listing(await loadConfig(values.config));
        process.stdout.write(values.json ? `${JSON.stringify(l, null, 2)}\n` : formatListing(l));
        return 0;
      }
      case 'demo': {
        const config = await loadConfig(values.config);
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
        const rate = values.rate === undefined ? undefined : parseRate(values.rate);
        const config = await loadConfig(values.config);
        const r = await runProfile(config, {
          command: cmd,
          args,
          ...(values.variant !== undefined ? { variant: values.variant } : {}),
          ...(values.out !== undefined ? { outDir: values.out } : {}),
          ...(rate !== undefined ? { rate } : {}),
          ...(values.exe !== undefined ? { exe: values.exe } : {}),
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
        const goal = (values.goal ?? 'speed') as Goal;
        if (!GOALS.includes(goal))
          throw new HakmemError(`--goal must be one of ${GOALS.join(', ')}, not '${values.goal}'`);
        const budget = Number(values.budget ?? '10');
        if (!(budget > 0) || !Number.isFinite(budget)) {
          throw new HakmemError(`--budget must be a positive number of minutes, not '${values.budget}'`);
        }
        const reps = Number(values.reps ?? String(DEFAULT_REPS));
        if (!Number.isInteger(reps) || reps < 3 || reps > 100) {
          throw new HakmemError(`--reps must be a whole number from 3 to 100, not '${values.reps}'`);
        }
        const peers =
          values.peers === undefined
            ? [...PEERS]
            : values.peers === 'none'
              ? []
              : values.peers.split(',').filter(Boolean);
        for (const p of peers) {
          if (!(PEERS as readonly string[]).includes(p))
            throw new HakmemError(`unknown peer '${p}'; peers: ${PEERS.join(', ')}, or none`);
        }
        const metric = parseMetric(values.metric, values['higher-is-better'], values['lower-is-better']);
        const name = values.name ?? DEFAULT_TUNE_NAME;
        const config = await loadConfig(values.config);
        const log = (l: string) => process.stderr.write(`hakmem tune: ${l}\n`);
        const r = await runTune({
          config,
          command: cmd,
          args,
          goal,
          metric,
          base: values.base ?? 'default',
          name,
          budgetMs: budget * 60_000,
          reps,
          outDir: values.out ?? DEFAULT_TUNE_DIR,
          peers,
          dryRun: values['dry-run'],
          fresh: values.fresh,
          log,
        });
        const out = r.record.outcome!;
        process.stdout.write(`${r.table}\n\n${out.message}\n`);
        if (out.variant) {
          process.stdout.write(
            out.written
              ? `wrote variant '${name}' into ${shown(out.written)}; build it with: npx hakmem build ${name}\n`
              : `the variant (--dry-run: not written):\n${variantSource(out.variant)}`,
          );
        }
        process.stdout.write(`files: ${r.files.map((f) => shown(join(r.outDir, f))).join(', ')}\n`);
        return 0;
      }
      default:
        throw new HakmemError(
          `unknown command '${command}'; commands: build, export, list, demo, check, profile, tune\n\n${USAGE}`,
        );
    }
  } catch (err) {
    const e = err as Error;
    const known = err instanceof HakmemError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`hakmem: ${known || !process.env.HAKMEM_DEBUG ? e.message : e.stack}\n`);
    return 1;
  }
}
