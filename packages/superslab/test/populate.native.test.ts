// superslab/chunks with prepare: 'populate', through a real build of a variant that uses it.
import { expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeBoxVariant } from '@hakmem/test-utils';
import superslab, { chunksPrepared } from '../src/index.js';
import { CHUNK_PAGES, blockInNewChunk, residentPages, superslabConformance } from '../src/conformance.js';

it('superslab/chunks sources exist', () => {
  for (const src of superslab.boxes.chunks.sources) expect(existsSync(join(superslab.root, src)), src).toBe(true);
});

describeBoxVariant(
  'superslab',
  'chunks',
  (hk) => {
    superslabConformance(hk);

    it('every new chunk is prepared, and is resident in full before its blocks are touched', () => {
      const h = hk();
      const { chunk, held } = blockInNewChunk(h);
      expect(chunksPrepared(h)).toBe(h.osStats().chunks);
      expect(residentPages(chunk, CHUNK_PAGES)).toBe(CHUNK_PAGES);
      for (const p of held) h.free(p);
    });
  },
  { tunables: "{ superslab: { prepare: 'populate' } }" },
);
