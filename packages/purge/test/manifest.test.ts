import { describe, expect, it } from 'vitest';
import purge, { limits, passes } from '../src/index.js';

describe('@hakmem/purge manifest', () => {
  it('declares the purge slot with the decay, background, eager and retain boxes', () => {
    expect(purge.slot).toBe('purge');
    expect(purge.packageName).toBe('@hakmem/purge');
    expect(Object.keys(purge.boxes)).toEqual(['decay', 'background', 'eager', 'retain']);
    expect(purge.boxes.decay.tunables).toMatchObject({ delayMs: { type: 'int', min: 0 }, maxSlabs: { type: 'int' } });
    expect(purge.boxes.eager.tunables).toMatchObject({ keepSlabs: { type: 'int', default: 0 } });
    for (const b of Object.values(purge.boxes)) {
      expect(b.tunables).toMatchObject({
        softLimit: { type: 'int', default: 0, unit: 'MiB' },
        hardLimit: { type: 'int', default: 0, unit: 'MiB' },
      });
      expect(b.base === limits || b.base === passes).toBe(true);
    }
    expect(Object.keys(purge.boxes.retain.tunables)).toEqual(['hardLimit', 'softLimit']);
    expect(purge.boxes.background.tunables).toEqual(purge.boxes.decay.tunables);
    for (const [name, b] of Object.entries(purge.boxes)) expect(b.sources.at(-1)).toBe(`c/${name}/hk_purge_${name}.c`);
  });
});
