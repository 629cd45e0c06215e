import { describe, expect, it } from 'vitest';
import freegate, { routing } from '../src/index.js';

describe('@hakmem/freegate manifest', () => {
  it('declares the fast and checked gates over one shared router, both needing the registry', () => {
    expect(freegate.slot).toBe('freegate');
    expect(freegate.packageName).toBe('@hakmem/freegate');
    expect(Object.keys(freegate.boxes)).toEqual(['fast', 'checked']);
    expect(freegate.boxes.fast.sources).toEqual(['c/fast/hk_freegate_fast.c']);
    expect(freegate.boxes.checked.sources).toEqual(['c/checked/hk_freegate_checked.c']);
    for (const b of Object.values(freegate.boxes)) expect(b.base).toBe(routing);
    expect(routing.sources).toEqual(['c/common/hk_freegate_common.c']);
    expect(routing.header).toBe('hk_freegate_routing.h');
    expect(freegate.boxes.checked.tunables.onForeign.default).toBe('abort');
    for (const box of Object.values(freegate.boxes))
      expect(box.requires).toEqual([{ slot: 'superslab', capability: 'registry' }]);
    expect(freegate.boxes.fast.tunables).toMatchObject({
      onForeign: { type: 'enum', values: ['report', 'abort'], default: 'report' },
    });
    expect(freegate.boxes.checked.tunables).toMatchObject({
      onForeign: { type: 'enum', values: ['report', 'abort'], default: 'abort' },
    });
  });
});
