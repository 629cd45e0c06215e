import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import remote, { channel } from '../src/index.js';

describe('@hakmem/remote manifest', () => {
  it('declares the remote slot with the direct and batched (default) boxes', () => {
    expect(remote.slot).toBe('remote');
    expect(remote.packageName).toBe('@hakmem/remote');
    expect(remote.defaultBox).toBe('batched');
    expect(Object.keys(remote.boxes)).toEqual(['direct', 'batched']);
    expect(remote.boxes.direct.tunables).toEqual({});
    expect(remote.boxes.batched.tunables).toMatchObject({
      buckets: { type: 'int', default: 8, min: 1 },
      batchBlocks: { type: 'int', default: 64, min: 1 },
      batchBytes: { type: 'int', default: 65536 },
    });
    for (const [name, b] of Object.entries(remote.boxes)) {
      expect(b.sources).toEqual([`c/${name}/hk_remote_${name}.c`]);
      expect(b.base).toBe(channel);
      for (const src of b.sources) expect(existsSync(join(remote.root, src)), src).toBe(true);
    }
  });
});
