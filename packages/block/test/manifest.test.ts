import { describe, expect, it } from 'vitest';
import block from '../src/index.js';

describe('@hakmem/block manifest', () => {
  it('declares the fast and checked encodings, each with the onInvalid policy the core reads', () => {
    expect(block.slot).toBe('block');
    expect(block.packageName).toBe('@hakmem/block');
    expect(block.defaultBox).toBe('fast');
    expect(Object.keys(block.boxes)).toEqual(['fast', 'checked', 'hardened']);
    expect(block.boxes.fast.sources).toEqual(['c/fast/hk_block_fast.c']);
    expect(block.boxes.checked.sources).toEqual(['c/checked/hk_block_checked.c']);
    // checked validates links against the registry; fast reads no other slot
    expect(block.boxes.checked.requires).toEqual([{ slot: 'superslab', capability: 'registry' }]);
    expect('requires' in block.boxes.fast).toBe(false);
    expect(block.boxes.fast.tunables.onInvalid).toMatchObject({
      type: 'enum',
      values: ['report', 'abort'],
      default: 'report',
      runtime: true,
    });
    expect(block.boxes.checked.tunables.onInvalid).toMatchObject({
      type: 'enum',
      values: ['report', 'abort'],
      default: 'abort',
      runtime: true,
    });
  });
});

describe('block/hardened manifest', () => {
  it('asks the chunk room for its two bitmaps and declares its tunables', () => {
    const h = block.boxes.hardened;
    expect(h.chunkRoom).toBe(32768); // 2 MiB / 16 bytes per bit = 16 KiB per bitmap, two bitmaps
    expect(h.requires).toEqual([{ slot: 'superslab', capability: 'registry' }]);
    expect(h.tunables.onInvalid.default).toBe('abort');
    expect(h.tunables.zero).toMatchObject({ type: 'enum', values: ['free', 'alloc', 'none'], default: 'free' });
    expect(h.tunables.canary).toMatchObject({ type: 'bool', default: true });
  });
});
