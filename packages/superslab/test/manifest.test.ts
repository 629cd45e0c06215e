import { describe, expect, it } from 'vitest';
import superslab, { CHUNK_SIZE } from '../src/index.js';

describe('@hakmem/superslab manifest', () => {
  it('declares the superslab slot with the lazy box, providing registry and chunks', () => {
    expect(superslab.slot).toBe('superslab');
    expect(superslab.packageName).toBe('@hakmem/superslab');
    expect(Object.keys(superslab.boxes)).toEqual(['lazy']);
    expect(superslab.boxes.lazy.sources).toEqual(['c/lazy/hk_superslab_lazy.c']);
    expect(superslab.boxes.lazy.provides).toEqual(['registry', 'chunks']);
    expect(superslab.boxes.lazy.tunables).toMatchObject({ reserveChunks: { type: 'int', default: 0, min: 0, max: 64 } });
    expect(CHUNK_SIZE).toBe(2n * 1024n * 1024n);
  });
});
