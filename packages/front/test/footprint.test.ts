import { expect, it } from 'vitest';
import front from '../src/index.js';

// The magazine keeps a fixed array per class in TLS: with its default capacity, the whole of
// it (52 classes of blocks + 1 entries, a top and a limit per class) must stay within 32 KiB,
// the budget a thread's first allocation may touch.
it('magazine: the default TLS footprint stays within 32 KiB', () => {
  const blocks = front.boxes.magazine.tunables.blocks.default;
  expect(52 * (blocks + 1) * 8 + 2 * 52 * 4).toBeLessThanOrEqual(32 * 1024);
});
