import { describe, expect, it } from 'vitest';
import superslab, { CHUNK_SIZE, map } from '../src/index.js';

describe('@hakmem/superslab manifest', () => {
  it('declares the superslab slot with one box, chunks, whose prepare tunable says how a chunk is prepared', () => {
    expect(superslab.slot).toBe('superslab');
    expect(superslab.packageName).toBe('@hakmem/superslab');
    expect(Object.keys(superslab.boxes)).toEqual(['chunks']);
    expect(superslab.defaultBox).toBe('chunks');
    const b = superslab.boxes.chunks;
    expect(b.sources).toEqual(['c/chunks/hk_superslab_chunks.c']);
    expect(b.base).toBe(map);
    expect(map.sources).toEqual(['c/common/hk_superslab_map.c']);
    expect(b.provides).toEqual(['registry', 'chunks']);
    expect(b.tunables.prepare).toMatchObject({
      type: 'enum',
      values: ['none', 'populate', 'huge', 'huge_populate'],
      default: 'none',
    });
    expect(b.tunables.reserveChunks).toMatchObject({ type: 'int', default: 0, min: 0, max: 64 });
    expect(CHUNK_SIZE).toBe(2n * 1024n * 1024n);
  });
});
