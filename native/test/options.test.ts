// Runtime tunables (issue 12, item 4): a box's tunable marked `runtime` is set from
// HAKMEM_<SLOT>_<TUNABLE> (or its shorter name) at start-up; a bad value or a misspelt name
// prints one line and changes nothing; HAKMEM_VERBOSE=1 prints the variant, its boxes and every
// tunable with where its value came from.
import { describe, expect, it } from 'vitest';
import { buildProgram, requireLibrary, run, runTestProgram, variant } from './helpers.js';

const values = (stdout: string): Record<string, number> =>
  Object.fromEntries([...stdout.matchAll(/^([a-z]+\.[a-z_]+)=(-?\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));

describe('runtime tunables', () => {
  it('HAKMEM_<SLOT>_<TUNABLE> sets the value the boxes use', () => {
    const plain = values(runTestProgram('options.c', 'preload').stdout);
    const set = values(
      runTestProgram('options.c', 'preload', {
        // 4800 bytes: 75 blocks of 64 (60 of 80, the class a block tail moves 64 to), below either
        // front's block limit (tcache's maxBlocks 100, the magazine's 64 blocks)
        env: {
          HAKMEM_REFILL_BATCH_BLOCKS: '24',
          HAKMEM_FRONT_MAX_BLOCKS: '100',
          HAKMEM_FRONT_MAX_BYTES: '4800',
          HAKMEM_LIMIT: '1G',
        },
      }).stdout,
    );
    expect(plain['refill.batch']).not.toBe(24);
    expect(set['refill.batch']).toBe(24);
    expect(set['front.capacity']).toBe(Math.floor(4800 / set['front.class_size']!));
    expect(set['purge.hard_limit']).toBe(1 << 30);
    // the long name of the same tunable, in MiB, wins over the short one
    const both = values(
      runTestProgram('options.c', 'preload', { env: { HAKMEM_PURGE_HARD_LIMIT: '512', HAKMEM_LIMIT: '1G' } }).stdout,
    );
    expect(both['purge.hard_limit']).toBe(512 << 20);
  });

  it('a bad value or a misspelt name prints one line each and keeps the built-in values', () => {
    requireLibrary();
    const bin = buildProgram('options.c', { mode: 'plain' });
    const plain = run(bin, { preload: true });
    const r = run(bin, {
      preload: true,
      env: { HAKMEM_REFILL_BATCH_BLOCKS: '3', HAKMEM_BLOCK_ON_INVALID: 'explode', HAKMEM_REFIL_BATCH: '8' },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      /^hakmem: HAKMEM_REFILL_BATCH_BLOCKS=3 is not a whole number of blocks from 4 to 1024; keeping \d+$/m,
    );
    expect(r.stderr).toMatch(/^hakmem: HAKMEM_BLOCK_ON_INVALID=explode is not one of report, abort; keeping \w+$/m);
    expect(r.stderr).not.toMatch(/HAKMEM_REFIL_BATCH/); // HAKMEM_REFIL_... names no slot: not ours to judge
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
    expect(values(r.stdout)).toEqual(values(plain.stdout));
    const typo = run(bin, { preload: true, env: { HAKMEM_REFILL_BACTH_BLOCKS: '16' } });
    expect(typo.stderr).toMatch(/^hakmem: HAKMEM_REFILL_BACTH_BLOCKS is not an option of any refill box; ignored/m);
  });

  it('HAKMEM_VERBOSE=1 prints the variant, its boxes and where every value came from', () => {
    requireLibrary();
    const bin = buildProgram('options.c', { mode: 'plain' });
    const r = run(bin, { preload: true, env: { HAKMEM_VERBOSE: '1', HAKMEM_REFILL_BATCH_BLOCKS: '32' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(`^hakmem: variant ${variant} \\S+, boxes track=\\w+ .*purge=\\w+ .*block=\\w+ .*large=\\w+$`, 'm'),
    );
    expect(r.stderr).toMatch(/^hakmem: {3}refill\.batchBlocks = 32 \(from HAKMEM_REFILL_BATCH_BLOCKS\)$/m);
    expect(r.stderr).toMatch(/^hakmem: {3}remote\.buckets = \d+ \(built in, fixed at build\)$/m);
    expect(r.stderr).toMatch(
      /^hakmem: {3}purge\.hardLimit = 0 \((built in|the variant's); HAKMEM_PURGE_HARD_LIMIT or HAKMEM_LIMIT sets it\)$/m,
    );
  });
});
