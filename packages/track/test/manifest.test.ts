import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import track from '../src/index.js';

describe('@hakmem/track manifest', () => {
  it('declares the track slot with none (default), valgrind and asan', () => {
    expect(track.slot).toBe('track');
    expect(track.packageName).toBe('@hakmem/track');
    expect(track.defaultBox).toBe('none');
    expect(Object.keys(track.boxes)).toEqual(['none', 'valgrind', 'asan']);
    for (const [name, b] of Object.entries(track.boxes)) {
      expect(b.tunables).toEqual({});
      expect(b.sources).toEqual([`c/${name}/hk_track_${name}.c`]);
      for (const src of b.sources) expect(existsSync(join(track.root, src)), src).toBe(true);
    }
  });
});
