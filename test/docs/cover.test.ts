// The box cover (packages/test-utils/src/cover.ts) decides which variants run the stress files,
// link the C programs and run api.c under qemu (vitest.matrix.config.ts, the platform test):
// it must bring every box the named variants bring, or a box goes unstressed.
import { describe, expect, it } from 'vitest';
import { boxCover, coveredPairs, listVariants, type ListedVariant } from '../../packages/test-utils/src/cover.js';

const v = (name: string, boxes: Record<string, string>): ListedVariant => ({ name, boxes });

describe('the box cover', () => {
  it('starts at default and adds the variant that brings the most new boxes, until none is left', () => {
    const variants = [
      v('default', { front: 'a', purge: 'a', sampler: 'none' }),
      v('one', { front: 'b', purge: 'a', sampler: 'none' }),
      v('two', { front: 'b', purge: 'b', sampler: 'none' }),
      v('retuned', { front: 'a', purge: 'a', sampler: 'none' }),
      v('watched', { front: 'a', purge: 'a', sampler: 'poisson' }),
    ];
    expect([...boxCover(variants)]).toEqual(['default', 'two']);
    // the pairs a box test finds stressed by the matrix (packages/test-utils box-variant.ts)
    expect([...coveredPairs(variants)].sort()).toEqual(['front=a', 'front=b', 'purge=a', 'purge=b']);
  });

  it('covers every (slot, box) pair of hakmem.config.ts but the sampler', () => {
    const variants = listVariants();
    const cover = boxCover(variants);
    expect(cover.has('default')).toBe(true);
    const pairs = (names: Iterable<string>) =>
      new Set(
        [...names].flatMap((n) =>
          Object.entries(variants.find((x) => x.name === n)!.boxes)
            .filter(([slot]) => slot !== 'sampler')
            .map(([slot, box]) => `${slot}=${box}`),
        ),
      );
    expect(pairs(cover)).toEqual(pairs(variants.map((x) => x.name)));
    expect(cover.size).toBeLessThan(variants.length); // some variant only retunes: the cover saves runs
  });
});
