// superslab/chunks with prepare: 'none', through the real build: dist/default/hakmem.node.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadHakmem, variantInfo } from '@hakmem/native';
import superslab, { chunksPrepared } from '../src/index.js';
import { CHUNK_PAGES, blockInNewChunk, residentPages, superslabConformance } from '../src/conformance.js';

const hk = loadHakmem(resolve(superslab.root, '../../dist/default'));

describe('superslab/chunks (prepare none) in the default variant', () => {
  it('its sources exist and the variant uses it', () => {
    for (const src of superslab.boxes.chunks.sources) expect(existsSync(join(superslab.root, src)), src).toBe(true);
    expect(variantInfo(hk).boxes.superslab).toMatchObject({ box: 'chunks', package: '@hakmem/superslab' });
    expect(variantInfo(hk).tunables.superslab).toEqual({ prepare: 'none', reserveChunks: 0 });
  });

  superslabConformance(() => hk);

  it('a new chunk stays mostly unfaulted: only the pages blocks were carved from are resident', () => {
    const { chunk, held } = blockInNewChunk(hk);
    expect(residentPages(chunk, CHUNK_PAGES)).toBeLessThan(CHUNK_PAGES / 4);
    for (const p of held) hk.free(p);
  });

  it('prepares nothing: it has no `prepared` probe', () => {
    expect(() => chunksPrepared(hk)).toThrow();
  });
});
