// Checks the mutex box through a real build of a variant that uses it; the C programs include
// fork.c, which forks while threads take slabs (the pool's lock is taken across fork).
import { expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeBoxVariant } from '@hakmem/test-utils';
import sharedpool from '../src/index.js';
import { sharedpoolConformance } from '../src/conformance.js';

it('sharedpool/mutex sources exist', () => {
  for (const src of sharedpool.boxes.mutex.sources) expect(existsSync(join(sharedpool.root, src)), src).toBe(true);
});

describeBoxVariant('sharedpool', 'mutex', (hk) => {
  sharedpoolConformance(hk);
});
