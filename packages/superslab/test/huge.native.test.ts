// superslab/chunks with prepare: 'huge_populate' (the hugepage variant's), through a real build.
import { expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeBoxVariant } from '@hakmem/test-utils';
import superslab, { chunksPrepared } from '../src/index.js';
import { CHUNK_PAGES, blockInNewChunk, residentPages, smapsOf, superslabConformance } from '../src/conformance.js';

/** The system's THP mode: always, madvise or never (undefined where the kernel has no THP). */
function thpMode(): string | undefined {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

it('superslab/chunks sources exist', () => {
  for (const src of superslab.boxes.chunks.sources) expect(existsSync(join(superslab.root, src)), src).toBe(true);
});

describeBoxVariant(
  'superslab',
  'chunks',
  (hk) => {
    superslabConformance(hk);

    it('every new chunk is advised for huge pages and populated: resident in full', () => {
      const h = hk();
      const { chunk, held } = blockInNewChunk(h);
      expect(chunksPrepared(h)).toBe(h.osStats().chunks);
      expect(residentPages(chunk, CHUNK_PAGES)).toBe(CHUNK_PAGES);
      const mode = thpMode();
      if (mode === 'always' || mode === 'madvise') expect(smapsOf(chunk).THPeligible).toBe('1');
      for (const p of held) h.free(p);
    });
  },
  { tunables: "{ superslab: { prepare: 'huge_populate' } }" },
);
