import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SLOT_ORDER } from '@hakmem/native';
import type { Listing } from '../src/index.js';
import { cliBin, configSource, repoRoot, tempDir } from './helpers.js';

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
      expect.objectContaining({ name: 'maxBytes', type: 'int', default: 262144, min: 4096, max: 16777216 }),
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
    expect(def.tunables.front).toEqual({ maxBlocks: 256, maxBytes: 262144 });
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
});
