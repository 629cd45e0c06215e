// Runtime tunables (issue 12, item 4): a box's tunable marked `runtime` is set from
// HAKMEM_<SLOT>_<TUNABLE> (or its shorter name) at start-up; a bad value or a misspelt name
// prints one line and changes nothing; HAKMEM_VERBOSE=1 prints the variant, its boxes and every
// tunable with where its value came from. Issue 25: any HAKMEM_ variable the variant does not
// read (a typo, another box's tunable) prints one line, once, and the variables of the core and
// of the Node tools print nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram, distDir, requireLibrary, run, runTestProgram, variant } from './helpers.js';

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
    expect(r.stderr).toMatch(
      new RegExp(`^hakmem: HAKMEM_REFIL_BATCH is not an option of variant ${variant} \\(ignored`, 'm'),
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(3);
    expect(values(r.stdout)).toEqual(values(plain.stdout));
    const typo = run(bin, { preload: true, env: { HAKMEM_REFILL_BACTH_BLOCKS: '16' } });
    expect(typo.stderr).toMatch(
      new RegExp(
        `^hakmem: HAKMEM_REFILL_BACTH_BLOCKS is not an option of variant ${variant} \\(ignored.*\\)(; did you mean HAKMEM_REFILL_BATCH_BLOCKS\\?)?$`,
        'm',
      ),
    );
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

// The variables a program's environment may hold without a word from the library: the core's,
// this variant's tunables (HAKMEM_LIMIT: every purge box has hardLimit), the Node tools'.
const quiet = { HAKMEM_VERBOSE: '0', HAKMEM_STATS: '0', HAKMEM_LIMIT: '1G', HAKMEM_TEST_VARIANT: variant };
const boxes = (): Record<string, { box: string }> =>
  (JSON.parse(readFileSync(join(distDir, 'variant.json'), 'utf8')) as { boxes: Record<string, { box: string }> }).boxes;

describe('HAKMEM_ variables the variant does not read', () => {
  it('a typo prints one line naming it, with the name meant, and the program runs as without it', () => {
    requireLibrary();
    const bin = buildProgram('options.c', { mode: 'plain' });
    const plain = run(bin, { preload: true, env: quiet });
    const r = run(bin, { preload: true, env: { ...quiet, HAKMEM_LIMTI: '1G' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      `hakmem: HAKMEM_LIMTI is not an option of variant ${variant} (ignored); did you mean HAKMEM_LIMIT?\n`,
    );
    expect(r.stdout).toMatch(/^ok \d+ checks$/m);
    expect(values(r.stdout)).toEqual(values(plain.stdout));
    const far = run(bin, { preload: true, env: { ...quiet, HAKMEM_NOTHING_LIKE_IT: '1' } });
    expect(far.stderr).toBe(`hakmem: HAKMEM_NOTHING_LIKE_IT is not an option of variant ${variant} (ignored)\n`);
  });

  it("a known option, the core's variables and the tools' print nothing", () => {
    requireLibrary();
    const bin = buildProgram('options.c', { mode: 'plain' });
    const r = run(bin, { preload: true, report: true, env: { ...quiet, HAKMEM_FUZZ_SECONDS: '1', HAKMEM_DEBUG: '1' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(values(r.stdout)['purge.hard_limit']).toBe(1 << 30);
  });

  it('a tunable of a box the variant does not have prints one line saying which box reads it', () => {
    requireLibrary();
    const bin = buildProgram('options.c', { mode: 'plain' });
    const refill = boxes().refill!.box;
    // batchBlocks is the batch box's, minBatch the adaptive box's
    const [name, reader] =
      refill === 'adaptive' ? ['HAKMEM_REFILL_BATCH_BLOCKS', 'batch'] : ['HAKMEM_REFILL_MIN_BATCH', 'adaptive'];
    const plain = run(bin, { preload: true, env: quiet });
    const r = run(bin, { preload: true, env: { ...quiet, [name]: '16' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      `hakmem: ${name} is not an option of variant ${variant} (ignored: only refill box ${reader} reads it; this variant has refill=${refill})\n`,
    );
    expect(values(r.stdout)).toEqual(values(plain.stdout));
    // a tunable the variant has but fixes at build
    const fixed = run(bin, { preload: true, env: { ...quiet, HAKMEM_REMOTE_BUCKETS: '4' } });
    expect(fixed.stderr).toBe(
      `hakmem: HAKMEM_REMOTE_BUCKETS is not an option of variant ${variant} (ignored: remote.buckets is fixed when the variant is built)\n`,
    );
  });

  it('each name once, once per process: not again for a name twice in the environment, a thread or a fork', () => {
    requireLibrary();
    const bin = buildProgram('options.c', { mode: 'plain' });
    const dup = run(bin, { preload: true, args: ['dup-env'] });
    expect(dup.status).toBe(0);
    expect(dup.stderr).toBe(
      [
        `hakmem: HAKMEM_LIMTI is not an option of variant ${variant} (ignored); did you mean HAKMEM_LIMIT?`,
        `hakmem: HAKMEM_X is not an option of variant ${variant} (ignored)`,
        '',
      ].join('\n'),
    );
    const forked = run(bin, { preload: true, args: ['fork'], env: { ...quiet, HAKMEM_LIMTI: '1' } });
    expect(forked.status).toBe(0);
    expect(forked.stderr.match(/HAKMEM_LIMTI/g)).toHaveLength(1);
  });
});
