// Checks the thp box through a real build of a variant that uses it.
import { expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeBoxVariant } from '../../compose/test/helpers.js';
import superslab, { chunksPrepared } from '../src/index.js';
import { CHUNK_PAGES, blockInNewChunk, residentPages, smapsOf, superslabConformance } from './superslab.conformance.js';

/** The system's THP mode: always, madvise or never (undefined where the kernel has no THP). */
function thpMode(): string | undefined {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

it('superslab/thp sources exist', () => {
  for (const src of superslab.boxes.thp.sources) expect(existsSync(join(superslab.root, src)), src).toBe(true);
});

describeBoxVariant('superslab', 'thp', (hk) => {
  superslabConformance(hk);

  it('every new chunk is advised for huge pages and, with populate, resident in full', () => {
    const h = hk();
    const { chunk, held } = blockInNewChunk(h);
    expect(chunksPrepared(h)).toBe(h.osStats().chunks);
    expect(residentPages(chunk, CHUNK_PAGES)).toBe(CHUNK_PAGES);
    const mode = thpMode();
    if (mode === 'always' || mode === 'madvise') expect(smapsOf(chunk).THPeligible).toBe('1');
    for (const p of held) h.free(p);
  });
});
