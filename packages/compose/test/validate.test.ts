import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SLOT_ORDER } from '@hakmem/native';
import { formatListing, getVariant, HakmemConfigError, listing, validateConfig } from './internal.js';
import { fakeSlot, rawConfig, slots, variant } from './helpers.js';

const errorOf = (f: () => unknown): HakmemConfigError => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(HakmemConfigError);
    return err as HakmemConfigError;
  }
  throw new Error('expected a HakmemConfigError');
};
const check = (variants: Record<string, unknown>, overrides?: Record<string, unknown>) => () =>
  validateConfig(rawConfig(variants, overrides), { rootDir: '/nowhere' });

describe('validateConfig', () => {
  it('accepts the default boxes and fills every tunable with its default', () => {
    const c = validateConfig(rawConfig({ default: variant({ tunables: { front: { maxBlocks: 512 } } }) }), {
      rootDir: '/r',
    });
    const v = getVariant(c, 'default');
    expect(v.tunables.front).toEqual({ maxBlocks: 512, maxBytes: 524288 });
    expect(v.tunables.block).toEqual({ onInvalid: 'report' });
    expect(v.tunables.large).toEqual({ cacheEntries: 16, cacheBytes: 33554432, guard: false, scrub: false });
    expect(v.tunables.stats).toEqual({});
    expect(v.boxes.front.sources).toEqual([join(slots.front.root, 'c/tcache/hk_front_tcache.c')]);
    expect(v.boxes.front.packageName).toBe('@hakmem/front');
    expect(v.boxes.front.version).toBe('0.1.0');
    expect(v.version).toBe('0.1.0');
    expect(c.rootDir).toBe('/r');
  });

  it('names the variants when one is not found', () => {
    const c = validateConfig(rawConfig({ default: variant(), lean: variant() }), { rootDir: '/r' });
    expect(errorOf(() => getVariant(c, 'x')).message).toBe("variant 'x' not found; variants: default, lean");
  });

  it('names the boxes of a slot for an unknown box', () => {
    const e = errorOf(check({ default: variant({ boxes: { front: 'tcach' } }) }));
    expect(e.message).toContain("slot front has no box 'tcach'; boxes: tcache");
    expect(e.message).toContain('variant default');
  });

  it('names the slots for an unknown slot, in boxes and in tunables', () => {
    expect(errorOf(check({ v: variant({ boxes: { frnt: 'tcache' } }) })).message).toContain(
      `unknown slot 'frnt'; slots: ${SLOT_ORDER.join(', ')}`,
    );
    expect(errorOf(check({ v: variant({ tunables: { frnt: {} } }) })).message).toContain("unknown slot 'frnt'");
    expect(errorOf(check({ v: variant() }, { frnt: slots.front })).message).toContain(
      "unknown slot 'frnt' in config.slots",
    );
  });

  it("runs a slot's default box where a variant names none, and requires a package for every slot", () => {
    const c = validateConfig(rawConfig({ v: { description: 'd', boxes: { front: 'magazine' } } }), { rootDir: '/r' });
    const v = getVariant(c, 'v');
    expect(v.boxes.front.box).toBe('magazine');
    for (const slot of SLOT_ORDER.filter((s) => s !== 'front')) {
      expect(v.boxes[slot].box).toBe(slots[slot].defaultBox);
    }
    expect(v.boxes.purge.box).toBe('background');
    expect(v.tunables.purge.delayMs).toBe(500);
    expect(errorOf(check({ v: variant() }, { large: undefined })).message).toContain(
      "config.slots.large is missing; import it from '@hakmem/large'",
    );
    expect(errorOf(check({ v: variant() }, { front: slots.refill })).message).toContain(
      'config.slots.front is @hakmem/refill, a package for slot refill',
    );
    expect(errorOf(check({ v: variant() }, { front: { hello: 1 } })).message).toContain('is not a slot package');
  });

  it('names the tunables of the box for an unknown tunable', () => {
    expect(errorOf(check({ v: variant({ tunables: { front: { maxBlock: 1 } } }) })).message).toContain(
      'tunable front.maxBlock unknown for box tcache; tunables: maxBlocks, maxBytes',
    );
    expect(errorOf(check({ v: variant({ tunables: { stats: { on: true } } }) })).message).toContain(
      'tunable stats.on unknown for box off; tunables: (none)',
    );
  });

  it('rejects a value of the wrong type', () => {
    expect(errorOf(check({ v: variant({ tunables: { front: { maxBlocks: '256' } } }) })).message).toContain(
      "front.maxBlocks must be an integer, got '256'",
    );
    expect(errorOf(check({ v: variant({ tunables: { front: { maxBlocks: 25.5 } } }) })).message).toContain(
      'front.maxBlocks must be an integer, got 25.5',
    );
    expect(errorOf(check({ v: variant({ tunables: { block: { onInvalid: 1 } } }) })).message).toContain(
      'block.onInvalid must be one of report, abort, got 1',
    );
  });

  it('rejects a value out of range, with the range', () => {
    expect(errorOf(check({ v: variant({ tunables: { front: { maxBlocks: 9999 } } }) })).message).toContain(
      'front.maxBlocks = 9999 is out of range [8, 4096]',
    );
    expect(errorOf(check({ v: variant({ tunables: { front: { maxBlocks: 7 } } }) })).message).toContain(
      'front.maxBlocks = 7 is out of range [8, 4096]',
    );
    // The top of a range above 2^32 is accepted.
    const c = validateConfig(rawConfig({ v: variant({ tunables: { large: { cacheBytes: 4294967296 } } }) }));
    expect(getVariant(c, 'v').tunables.large.cacheBytes).toBe(4294967296);
  });

  it('rejects an enum value that is not allowed, with the values', () => {
    expect(errorOf(check({ v: variant({ tunables: { block: { onInvalid: 'ignore' } } }) })).message).toContain(
      "block.onInvalid = 'ignore' is not allowed; values: report, abort",
    );
  });

  it('rejects a variant whose box needs a capability another slot does not provide', () => {
    const root = mkdtempSync(join(tmpdir(), 'hakmem-slot-'));
    const bare = fakeSlot(root, 'superslab', {
      x: { name: 'x', description: 'no registry', sources: ['c/x/x.c'], provides: ['chunks'], tunables: {} },
    });
    const e = errorOf(check({ v: variant({ boxes: { superslab: 'x' } }) }, { superslab: bare }));
    expect(e.message).toContain(
      "large/bigcache needs capability 'registry' from slot superslab, which superslab/x does not provide",
    );
  });

  it('validates every variant, and the shape of the config', () => {
    expect(
      errorOf(check({ good: variant(), bad: variant({ tunables: { front: { maxBytes: 1 } } }) })).message,
    ).toContain('variant bad: front.maxBytes = 1 is out of range [4096, 16777216]');
    expect(errorOf(check({})).message).toContain('declares no variants');
    expect(errorOf(check({ '../x': variant() })).message).toContain("variant name '../x'");
    expect(errorOf(() => validateConfig(undefined)).message).toContain('default-export defineConfig');
    expect(errorOf(() => validateConfig({ variants: {} })).message).toContain('config.slots is missing');
  });
});

describe('a variant that extends another', () => {
  const base = variant({
    description: 'base',
    boxes: { large: 'direct' },
    tunables: { front: { maxBlocks: 512, maxBytes: 65536 }, purge: { delayMs: 1000 }, core: { asserts: true } },
  });
  const resolve = (variants: Record<string, unknown>) => validateConfig(rawConfig(variants), { rootDir: '/r' });

  it("starts from the base's boxes and tunables, its own merged over them per tunable", () => {
    const c = resolve({
      base,
      tuned: { extends: 'base', tunables: { front: { maxBlocks: 64 }, refill: { batchBlocks: 32 } } },
      counted: { description: 'counts', extends: 'base', boxes: { stats: 'counters' } },
    });
    const tuned = getVariant(c, 'tuned');
    const b = getVariant(c, 'base');
    expect(tuned.description).toBe(''); // not inherited
    expect(Object.values(tuned.boxes).map((x) => x.box)).toEqual(Object.values(b.boxes).map((x) => x.box));
    expect(tuned.boxes.large.box).toBe('direct');
    expect(tuned.tunables.front).toEqual({ maxBlocks: 64, maxBytes: 65536 });
    expect(tuned.tunables.refill).toMatchObject({ batchBlocks: 32 });
    expect(tuned.tunables.purge.delayMs).toBe(1000);
    expect(tuned.core.asserts).toBe(true);
    const counted = getVariant(c, 'counted');
    expect(counted.boxes.stats.box).toBe('counters');
    expect(counted.boxes.large.box).toBe('direct');
    expect(counted.tunables.front).toEqual(b.tunables.front);
    expect(counted.description).toBe('counts');
  });

  it("drops the base's tunables for a slot whose box it changes, and keeps them for the same box", () => {
    const c = resolve({
      base,
      swapped: { extends: 'base', boxes: { front: 'magazine', purge: 'decay' }, tunables: { front: { blocks: 128 } } },
      // the base names no front box, so it runs tcache: naming tcache keeps the tunables
      implicit: { extends: 'bare', boxes: { front: 'tcache' } },
      bare: { description: 'b', boxes: { large: 'direct' }, tunables: { front: { maxBlocks: 512 } } },
    });
    const swapped = getVariant(c, 'swapped');
    expect(swapped.boxes.front.box).toBe('magazine');
    expect(swapped.tunables.front).toEqual({ blocks: 128, maxBytes: 131072 });
    expect(swapped.tunables.purge.delayMs).toBe(1000);
    expect(getVariant(c, 'implicit').tunables.front.maxBlocks).toBe(512);
  });

  it('follows a chain, whatever the order the variants are declared in', () => {
    const c = resolve({
      c: { extends: 'b', tunables: { refill: { minBatch: 16 } } },
      b: { description: 'b', extends: 'a', boxes: { refill: 'adaptive' }, tunables: { large: { cacheEntries: 4 } } },
      a: variant({ tunables: { refill: { batchBlocks: 16 }, large: { cacheBytes: 1048576 } } }),
    });
    const v = getVariant(c, 'c');
    expect(v.boxes.refill.box).toBe('adaptive');
    expect(v.tunables.refill).toMatchObject({ minBatch: 16 });
    expect(v.tunables.refill).not.toHaveProperty('batchBlocks');
    expect(v.tunables.large).toEqual({ cacheEntries: 4, cacheBytes: 1048576, guard: false, scrub: false });
  });

  it('is refused with an unknown base, a cycle, or a base that is not a name', () => {
    expect(errorOf(check({ a: variant(), b: { extends: 'nope' } })).message).toBe(
      "variant b: extends 'nope', which is not a variant; variants: a, b",
    );
    expect(errorOf(check({ a: { extends: 'b' }, b: { extends: 'a' } })).message).toContain(
      'extends goes round in a cycle: a -> b -> a',
    );
    expect(errorOf(check({ a: { extends: 'a' } })).message).toContain('cycle: a -> a');
    expect(
      errorOf(check({ x: variant(), a: { extends: 'c' }, b: { extends: 'a' }, c: { extends: 'b' } })).message,
    ).toContain('a -> c -> b -> a');
    expect(errorOf(check({ a: variant(), b: { extends: 3 } })).message).toBe(
      'variant b: extends must name another variant, got 3',
    );
    // boxes may be left out only with extends
    expect(errorOf(check({ a: { description: 'd' } })).message).toContain('variant a: boxes is missing');
  });

  it('is checked like any variant, tunables of its inherited boxes included', () => {
    const e = errorOf(check({ base, t: { extends: 'base', tunables: { front: { blocks: 128 } } } }));
    expect(e.message).toContain('variant t: tunable front.blocks unknown for box tcache');
    expect(errorOf(check({ base, t: { extends: 'base', tunables: { purge: { delayMs: -1 } } } })).message).toContain(
      'variant t: purge.delayMs = -1 is out of range',
    );
  });

  it('lists complete in hakmem list', () => {
    const l = listing(
      resolve({ base, t: { description: 'tuned', extends: 'base', tunables: { front: { maxBlocks: 64 } } } }),
    );
    const t = l.variants.find((v) => v.name === 't')!;
    expect(t.boxes.large).toBe('direct');
    expect(t.tunables.front).toEqual({ maxBlocks: 64, maxBytes: 65536 });
    expect(formatListing(l)).toMatch(/^ {2}t: tuned\n.*large=direct.*\n.*front\.maxBlocks=64 front\.maxBytes=65536/m);
  });
});
