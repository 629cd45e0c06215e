// The box, tunable and probe sections of every slot package's README are generated from its
// manifest, its C and docs/<box>.md by `pnpm run docs` (scripts/docs.mjs); they must be current.
import { describe, expect, it } from 'vitest';
import { relative } from 'node:path';
import { END, START, renderAll, repoRoot } from '../../scripts/docs.mjs';

describe('slot package READMEs', async () => {
  const results = await renderAll();

  it('exist for every slot package', () => {
    expect(results.length).toBeGreaterThanOrEqual(7);
  });

  it.each(results.map((r) => [relative(repoRoot, r.file), r]))('%s is up to date (run `pnpm run docs`)', (_f, r) => {
    expect(r.current).toContain(START);
    expect(r.current).toContain(END);
    expect(r.current).toBe(r.next);
  });
});
