import { describe, expect, it } from 'vitest';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import front from '../src/index.js';

describe('@hakmem/front manifest', () => {
  it('declares the front slot with the tcache box', () => {
    expect(front.slot).toBe('front');
    expect(front.packageName).toBe('@hakmem/front');
    expect(front.root).toBe(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
    expect(Object.keys(front.boxes)).toEqual(['tcache']);
    expect(front.boxes.tcache.sources).toEqual(['c/tcache/hk_front_tcache.c']);
  });

  it('tunables: maxBlocks and maxBytes', () => {
    expect(front.boxes.tcache.tunables).toMatchObject({
      maxBlocks: { type: 'int', default: 256, min: 8, max: 4096 },
      maxBytes: { type: 'int', default: 262144, min: 4096, max: 16777216 },
    });
  });
});
