import { describe, expect, it } from 'vitest';
import large from '../src/index.js';

describe('@hakmem/large manifest', () => {
  it('declares the large slot with the bigcache box, needing the registry', () => {
    expect(large.slot).toBe('large');
    expect(large.packageName).toBe('@hakmem/large');
    expect(Object.keys(large.boxes)).toEqual(['bigcache']);
    expect(large.boxes.bigcache.sources).toEqual(['c/bigcache/hk_large_bigcache.c']);
    expect(large.boxes.bigcache.requires).toEqual([{ slot: 'superslab', capability: 'registry' }]);
    expect(large.boxes.bigcache.tunables).toMatchObject({
      cacheEntries: { type: 'int', default: 16, min: 0, max: 1024 },
      cacheBytes: { type: 'int', default: 67108864, min: 0, max: 4294967296 },
    });
  });
});
