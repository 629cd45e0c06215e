import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { buildVariant } from './build.js';
import { contractEntries, runContractCheck, writeCompileCommands } from './contract.js';
import { loadConfig } from './config-load.js';
import { runDemo } from './demo.js';
import { HakmemError } from './errors.js';
import { envOptions, formatEnvOptions, formatListing, listing } from './list.js';
import { getVariant } from './validate.js';
import { DEFAULT_PROFILE_DIR, DEFAULT_PROFILE_VARIANT, runProfile } from './profile/run.js';

const USAGE = `usage: hakmem <command> [options]

commands:
  build <variant...>   compose and compile variants into dist/<variant>/
  build --all          build every variant of the config
  list [--json]        slots, boxes, tunables and variants
  list --env [--json]  the environment variables a hakmem library reads at start-up
  demo [variant]       run a Python workload on dist/<variant>/libhakmem.so (default: default)
  profile [--variant V] [--out DIR] [--rate BYTES] -- <command> [args...]
                       run a command with a sampling variant preloaded (default: ${DEFAULT_PROFILE_VARIANT})
                       and write a heap profile to DIR (default: ./${DEFAULT_PROFILE_DIR}): profile.svg
                       (flame graph of allocated bytes), top.txt (allocation sites), leaks.txt (blocks
                       live at exit), alloc/inuse.pb.gz (pprof), alloc/inuse.folded, raw-<pid>.prof;
                       --rate: mean bytes between samples (HAKMEM_SAMPLER_SAMPLE_BYTES)
  check                compile every box's files alone against their headers (the contract
                       check) and write compile_commands.json for editors

options:
  --config <path>      the config (default: hakmem.config.ts in this or a parent directory)
  -h, --help           this text
`;

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
        env: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        variant: { type: 'string' },
        out: { type: 'string' },
        rate: { type: 'string' },
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
            `hakmem: built ${n} -> ${r.distDir} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
          );
        }
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
        if (values.rate !== undefined && !/^[1-9]\d*$/.test(values.rate)) {
          throw new HakmemError(`--rate must be a positive number of bytes, not '${values.rate}'`);
        }
        const rate = values.rate === undefined ? undefined : Number(values.rate);
        const config = await loadConfig(values.config);
        const r = await runProfile(config, {
          command: cmd,
          args,
          ...(values.variant !== undefined ? { variant: values.variant } : {}),
          ...(values.out !== undefined ? { outDir: values.out } : {}),
          ...(rate !== undefined ? { rate } : {}),
          log: (l) => process.stderr.write(`hakmem profile: ${l}\n`),
        });
        if (r.report) process.stderr.write(r.report.summary);
        return r.status;
      }
      default:
        throw new HakmemError(`unknown command '${command}'; commands: build, list, demo, check, profile\n\n${USAGE}`);
    }
  } catch (err) {
    const e = err as Error;
    const known = err instanceof HakmemError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`hakmem: ${known || !process.env.HAKMEM_DEBUG ? e.message : e.stack}\n`);
    return 1;
  }
}
