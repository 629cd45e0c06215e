import { describe, expect, it } from 'vitest';
import sharedpool from '../src/index.js';

describe('@hakmem/sharedpool manifest', () => {
  it('declares the sharedpool slot with the lockfree box, needing chunks', () => {
    expect(sharedpool.slot).toBe('sharedpool');
    expect(sharedpool.packageName).toBe('@hakmem/sharedpool');
    expect(Object.keys(sharedpool.boxes)).toEqual(['lockfree']);
    expect(sharedpool.boxes.lockfree.sources).toEqual(['c/lockfree/hk_sharedpool_lockfree.c']);
    expect(sharedpool.boxes.lockfree.requires).toEqual([{ slot: 'superslab', capability: 'chunks' }]);
    expect(sharedpool.boxes.lockfree.tunables).toMatchObject({
      retainSlabs: { type: 'int', default: 64, min: 0, max: 65536 },
    });
  });
});
