import { describe, expect, it } from 'vitest';
import superslab, { CHUNK_SIZE } from '../src/index.js';

describe('@hakmem/superslab manifest', () => {
  it('declares the superslab slot with the lazy, prefault and thp boxes, each providing registry and chunks', () => {
    expect(superslab.slot).toBe('superslab');
    expect(superslab.packageName).toBe('@hakmem/superslab');
    expect(Object.keys(superslab.boxes)).toEqual(['lazy', 'prefault', 'thp']);
    for (const box of ['lazy', 'prefault', 'thp'] as const) {
      const b = superslab.boxes[box];
      expect(b.sources).toEqual(['c/common/hk_superslab_common.c', `c/${box}/hk_superslab_${box}.c`]);
      expect(b.provides).toEqual(['registry', 'chunks']);
      expect(b.tunables).toMatchObject({ reserveChunks: { type: 'int', default: 0, min: 0, max: 64 } });
    }
    expect(superslab.boxes.thp.tunables.populate).toMatchObject({ type: 'bool', default: true });
    expect(CHUNK_SIZE).toBe(2n * 1024n * 1024n);
  });
});
