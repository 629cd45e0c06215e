import { describe, expect, it } from 'vitest';
import freegate from '../src/index.js';

describe('@hakmem/freegate manifest', () => {
  it('declares the freegate slot with the fast box, needing the registry', () => {
    expect(freegate.slot).toBe('freegate');
    expect(freegate.packageName).toBe('@hakmem/freegate');
    expect(Object.keys(freegate.boxes)).toEqual(['fast']);
    expect(freegate.boxes.fast.sources).toEqual(['c/fast/hk_freegate_fast.c']);
    expect(freegate.boxes.fast.requires).toEqual([{ slot: 'superslab', capability: 'registry' }]);
    expect(freegate.boxes.fast.tunables).toMatchObject({
      onForeign: { type: 'enum', values: ['report', 'abort'], default: 'report' },
    });
  });
});
