import { describe, expect, it } from 'vitest';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import front from '../src/index.js';

describe('@hakmem/front manifest', () => {
  it('declares the front slot with the tcache and magazine boxes', () => {
    expect(front.slot).toBe('front');
    expect(front.packageName).toBe('@hakmem/front');
    expect(front.root).toBe(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
    expect(Object.keys(front.boxes)).toEqual(['tcache', 'magazine']);
    expect(front.boxes.tcache.sources).toEqual(['c/tcache/hk_front_tcache.c']);
  });

  it('tunables: maxBlocks and maxBytes', () => {
    expect(front.boxes.tcache.tunables).toMatchObject({
      maxBlocks: { type: 'int', default: 256, min: 8, max: 4096 },
      maxBytes: { type: 'int', default: 262144, min: 4096, max: 16777216 },
    });
  });

  it('magazine: its source, blocks and maxBytes; the default TLS footprint stays within 32 KiB', () => {
    expect(front.boxes.magazine.sources).toEqual(['c/magazine/hk_front_magazine.c']);
    const t = front.boxes.magazine.tunables;
    expect(t).toMatchObject({
      blocks: { type: 'int', default: 64, min: 8, max: 512 },
      maxBytes: { type: 'int', default: 131072, min: 4096, max: 16777216 },
    });
    expect(52 * (t.blocks.default + 1) * 8 + 2 * 52 * 4).toBeLessThanOrEqual(32 * 1024); // entries + top/lim
  });
});
