import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SLOT_ORDER } from '@hakmem/native';
import type { Listing } from '@hakmem/compose';
import { cliBin, configSource, repoRoot, tempDir } from '@hakmem/test-utils';

const hakmem = (args: string[], cwd = repoRoot, env: NodeJS.ProcessEnv = process.env) => {
  const r = spawnSync(process.execPath, [cliBin, ...args], { cwd, encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('hakmem CLI', () => {
  it('list --json describes slots, boxes, tunables and variants', () => {
    const r = hakmem(['list', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const l = JSON.parse(r.stdout) as Listing;
    expect(l.config).toBe(join(repoRoot, 'hakmem.config.ts'));
    expect(l.version).toBe('0.1.0');
    expect(l.slots.map((s) => s.slot)).toEqual([...SLOT_ORDER]);
    const front = l.slots.find((s) => s.slot === 'front')!;
    expect(front).toMatchObject({ package: '@hakmem/front', version: '0.1.0' });
    expect(front.boxes[0]).toMatchObject({
      name: 'tcache',
      sources: ['c/tcache/hk_front_tcache.c'],
      provides: [],
      requires: [],
    });
    expect(front.boxes[0]!.tunables).toEqual([
      expect.objectContaining({ name: 'maxBlocks', type: 'int', default: 256, min: 8, max: 4096 }),
      expect.objectContaining({ name: 'maxBytes', type: 'int', default: 524288, min: 4096, max: 16777216 }),
    ]);
    const block = l.slots.find((s) => s.slot === 'block')!.boxes[0]!;
    expect(block.requires).toEqual([]);
    const checked = l.slots.find((s) => s.slot === 'block')!.boxes.find((b) => b.name === 'checked')!;
    expect(checked.requires).toEqual([{ slot: 'superslab', capability: 'registry' }]);
    expect(block.tunables[0]).toMatchObject({
      name: 'onInvalid',
      type: 'enum',
      values: ['report', 'abort'],
      default: 'report',
    });
    const superslab = l.slots.find((s) => s.slot === 'superslab')!.boxes[0]!;
    expect(superslab.provides).toEqual(['registry', 'chunks']);
    const def = l.variants.find((v) => v.name === 'default')!;
    // the default variant runs every slot's default box
    expect(def.boxes).toEqual(Object.fromEntries(l.slots.map((s) => [s.slot, s.defaultBox])));
    expect(def.boxes).toMatchObject({ stats: 'off', purge: 'background', front: 'tcache', block: 'fast' });
    expect(def.tunables.front).toEqual({ maxBlocks: 256, maxBytes: 524288 });
    expect(typeof def.description).toBe('string');
  });

  it('list prints a table for people', () => {
    const r = hakmem(['list']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('maxBlocks (int) = 256 [8, 4096]');
    expect(r.stdout).toContain('variants:');
  });

  it('list --env prints the runtime options, as a table or JSON', () => {
    const r = hakmem(['list', '--env']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}HAKMEM_PURGE_HARD_LIMIT \(or HAKMEM_LIMIT\) {2}\(purge\.hardLimit\)$/m);
    expect(r.stdout).toMatch(/^ {2}HAKMEM_REFILL_MIN_BATCH {2}\(refill\.minBatch\)$/m);
    const j = hakmem(['list', '--env', '--json']);
    const options = JSON.parse(j.stdout) as { name: string; boxes?: string[] }[];
    const names = options.map((o) => o.name);
    expect(names).toContain('HAKMEM_METRICS');
    expect(names).toContain('HAKMEM_VERBOSE');
    expect(names).toContain('HAKMEM_PURGE_DELAY_MS');
    // one variable per tunable, with the boxes that read it
    expect(options.find((o) => o.name === 'HAKMEM_FRONT_MAX_BYTES')?.boxes).toEqual(['tcache', 'magazine']);
    expect(names).not.toContain('HAKMEM_REMOTE_BUCKETS'); // an array size: fixed at build
  });

  it('list --env says once what applies when a variable is unset, whether or not it is set here (issue 25)', () => {
    const { HAKMEM_METRICS: _metrics, HAKMEM_VERBOSE: _verbose, ...rest } = process.env;
    const unset = hakmem(['list', '--env'], repoRoot, rest);
    const set = hakmem(['list', '--env'], repoRoot, { ...rest, HAKMEM_METRICS: '/tmp/m.json', HAKMEM_VERBOSE: '1' });
    for (const r of [unset, set]) {
      expect(r.status).toBe(0);
      expect(r.stdout).not.toMatch(/unset: unset:/);
      // one whose unset value is a sentence, one whose unset value is a number
      expect(r.stdout).toContain(
        '  HAKMEM_METRICS  (core)\n    write hakmem_metrics_json() there at exit\n    accepts: a file path, or - for stderr; unset: nothing written\n',
      );
      expect(r.stdout).toContain('  HAKMEM_VERBOSE  (core)\n');
      expect(r.stdout).toMatch(/^ {4}accepts: 0 or 1; unset: 0$/m);
    }
    // the listing describes the variables; it does not depend on the environment it runs in
    expect(set.stdout).toBe(unset.stdout);
    const json = JSON.parse(hakmem(['list', '--env', '--json']).stdout) as { name: string; default: string }[];
    expect(json.find((o) => o.name === 'HAKMEM_REPORT')?.default).toBe('nothing written');
    expect(json.filter((o) => o.default.startsWith('unset'))).toEqual([]);
  });

  it('exits 1 with the message, and no stack trace, on a config error', () => {
    const r = hakmem(['build', 'nope']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^hakmem: variant 'nope' not found; variants: default(, [a-z-]+)*\n$/);

    const t = tempDir('cli');
    try {
      writeFileSync(join(t.dir, 'hakmem.config.ts'), configSource('v', '{ front: { maxBlocks: 9999 } }'));
      const r2 = hakmem(['list'], t.dir);
      expect(r2.status).toBe(1);
      expect(r2.stderr).toBe('hakmem: variant v: front.maxBlocks = 9999 is out of range [8, 4096]\n');
      const r3 = hakmem(['build', '--config', join(t.dir, 'hakmem.config.ts'), 'v']);
      expect(r3.status).toBe(1);
      expect(r3.stderr).not.toMatch(/^\s+at /m);
    } finally {
      t.cleanup();
    }
  });

  it('explains usage errors', () => {
    expect(hakmem(['frobnicate']).stderr).toContain("unknown command 'frobnicate'");
    expect(hakmem(['build']).stderr).toContain('name a variant to build, or --all; variants: default');
    expect(hakmem(['list', '--bogus']).status).toBe(1);
    expect(hakmem(['export']).stderr).toContain('name one variant to export; variants: default');
    expect(hakmem(['export', 'nope']).stderr).toContain("variant 'nope' not found");
    expect(hakmem(['build', 'default', '--install', '--prefix', 'rel']).stderr).toContain(
      "--prefix must be an absolute path, not 'rel'",
    );
    expect(hakmem(['build', 'default', '--prefix', '/tmp/x']).stderr).toContain('--prefix goes with --install');
    const help = hakmem(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: hakmem');
    expect(help.stdout).toContain('export <variant> [--out DIR]');
    expect(help.stdout).toContain('--install [--prefix P]');
  });

  it('prints each command its own help, with its options one line each', () => {
    for (const c of ['build', 'export', 'list', 'demo', 'check', 'profile', 'tune']) {
      const r = hakmem([c, '--help']);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(new RegExp(`^usage: hakmem ${c}\\b`));
      expect(r.stdout).toMatch(/^ {2}--config PATH {2,}the config/m);
      expect(r.stdout).toMatch(/^ {2}-h, --help {2,}this command's help$/m);
      // the same text as `hakmem help <command>`
      expect(hakmem(['help', c]).stdout).toBe(r.stdout);
    }
    const tune = hakmem(['tune', '-h']).stdout;
    expect(tune).toMatch(/^ {2}--metric M {2,}wall, cpu, or a REGEX/m);
    expect(tune).toMatch(/^ {2}--higher-is-better {2,}/m);
    expect(tune).not.toContain('--install');
    const build = hakmem(['build', '--help']).stdout;
    expect(build).toMatch(/^ {2}--prefix P {2,}the install prefix/m);
    expect(build).not.toContain('--metric');
    // help does not load the config
    expect(hakmem(['list', '--help', '--config', '/nonexistent/hakmem.config.ts']).status).toBe(0);
    // the general help lists every command and points at the per-command help
    const general = hakmem(['--help']).stdout;
    for (const c of ['build', 'export', 'list', 'demo', 'check', 'profile', 'tune']) {
      expect(general).toMatch(new RegExp(`^ {2}${c}\\b`, 'm'));
    }
    expect(general).toContain('hakmem <command> --help');
  });

  it("refuses another command's option in one line naming the command that takes it", () => {
    const r = hakmem(['build', 'default', '--metric', 'x']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('hakmem build: unknown option --metric (hakmem tune takes it)\n');
    expect(hakmem(['list', '--out=d']).stderr).toBe(
      'hakmem list: unknown option --out (hakmem export, hakmem profile and hakmem tune take it)\n',
    );
    expect(hakmem(['tune', '--install', '--', 'true']).stderr).toBe(
      'hakmem tune: unknown option --install (hakmem build takes it)\n',
    );
    expect(hakmem(['list', '--bogus']).stderr).toBe(
      'hakmem list: unknown option --bogus; hakmem list --help lists its options\n',
    );
    // what follows -- is the profiled command's, not an option of ours
    expect(hakmem(['profile', '--variant', 'nope', '--', 'ls', '--metric']).stderr).toMatch(
      /^hakmem: variant 'nope' not found/,
    );
    expect(hakmem(['check', 'extra']).stderr).toBe("hakmem check: takes no arguments, not 'extra'\n");
  });

  it('--version and -V print the @hakmem/cli version', () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const args of [['--version'], ['-V'], ['list', '--version']]) {
      const r = hakmem(args);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  });

  it('finds the command after options that come before it', () => {
    const r = hakmem(['--config', join(repoRoot, 'hakmem.config.ts'), 'list', '--json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as Listing).config).toBe(join(repoRoot, 'hakmem.config.ts'));
  });
});
