import { describe, expect, it } from 'vitest';
import sharedpool, { rest } from '../src/index.js';

describe('@hakmem/sharedpool manifest', () => {
  it('declares the sharedpool slot with the lockfree and mutex boxes, needing chunks', () => {
    expect(sharedpool.slot).toBe('sharedpool');
    expect(sharedpool.packageName).toBe('@hakmem/sharedpool');
    expect(Object.keys(sharedpool.boxes)).toEqual(['lockfree', 'mutex']);
    for (const box of ['lockfree', 'mutex'] as const) {
      const b = sharedpool.boxes[box];
      expect(b.sources).toEqual([`c/${box}/hk_sharedpool_${box}.c`]);
      expect(b.base).toBe(rest);
      expect(b.requires).toEqual([{ slot: 'superslab', capability: 'chunks' }]);
      expect(b.tunables).toEqual({}); // when pages go back is the purge slot's
    }
  });
});
