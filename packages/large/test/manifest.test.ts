import { describe, expect, it } from 'vitest';
import large, { mappings } from '../src/index.js';

describe('@hakmem/large manifest', () => {
  it('declares the large slot with the bigcache and direct boxes, needing the registry', () => {
    expect(large.slot).toBe('large');
    expect(large.packageName).toBe('@hakmem/large');
    expect(Object.keys(large.boxes)).toEqual(['bigcache', 'direct']);
    for (const box of ['bigcache', 'direct'] as const) {
      expect(large.boxes[box].sources).toEqual([`c/${box}/hk_large_${box}.c`]);
      expect(large.boxes[box].base).toBe(mappings);
      expect(large.boxes[box].requires).toEqual([{ slot: 'superslab', capability: 'registry' }]);
    }
    // the base's hardening tunables, off by default, spread into every box
    expect(mappings.tunables).toMatchObject({
      guard: { type: 'bool', default: false },
      scrub: { type: 'bool', default: false },
    });
    expect(large.boxes.direct.tunables).toEqual(mappings.tunables);
    expect(large.boxes.bigcache.tunables).toMatchObject({
      cacheEntries: { type: 'int', default: 16, min: 0, max: 1024 },
      cacheBytes: { type: 'int', default: 33554432, min: 0, max: 4294967296 },
      ...mappings.tunables,
    });
  });
});
