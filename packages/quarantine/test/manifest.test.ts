import { describe, expect, it } from 'vitest';
import quarantine from '../src/index.js';

describe('@hakmem/quarantine manifest', () => {
  it('declares none (the default: reuse at once) and random, bounded by blocks and bytes', () => {
    expect(quarantine.slot).toBe('quarantine');
    expect(quarantine.packageName).toBe('@hakmem/quarantine');
    expect(quarantine.defaultBox).toBe('none');
    expect(Object.keys(quarantine.boxes)).toEqual(['none', 'random']);
    expect(quarantine.boxes.none.tunables).toEqual({});
    expect(quarantine.boxes.random.tunables.blocks).toMatchObject({ type: 'int', default: 64, min: 1, max: 4096 });
    expect(quarantine.boxes.random.tunables.bytes).toMatchObject({ type: 'int', default: 65536 });
    // hot-path bounds: constants of the variant, never read from the environment
    for (const t of Object.values(quarantine.boxes.random.tunables)) expect('runtime' in t).toBe(false);
  });
});
