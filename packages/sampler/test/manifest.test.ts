import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sampler from '../src/index.js';

describe('@hakmem/sampler manifest', () => {
  it('declares the sampler slot with none (default) and poisson', () => {
    expect(sampler.slot).toBe('sampler');
    expect(sampler.packageName).toBe('@hakmem/sampler');
    expect(sampler.defaultBox).toBe('none');
    expect(Object.keys(sampler.boxes)).toEqual(['none', 'poisson']);
    expect(sampler.boxes.none.tunables).toEqual({});
    const t = sampler.boxes.poisson.tunables.sampleBytes;
    expect(t).toMatchObject({ type: 'int', default: 524288, min: 1, max: 1 << 30, unit: 'bytes', runtime: true });
    for (const [name, b] of Object.entries(sampler.boxes)) {
      expect(b.sources).toEqual([`c/${name}/hk_sampler_${name}.c`]);
      for (const src of b.sources) expect(existsSync(join(sampler.root, src)), src).toBe(true);
    }
  });
});
