// Shared by the direct and batched tests: run test/c/remote_count.c preloaded into a variant
// with the counters stats box, and read what it prints.
import { expect } from 'vitest';
import { join } from 'node:path';
import { nativeHelpers } from '@hakmem/test-utils';
import remote from '../src/index.js';

export interface RemoteCount {
  frees: number;
  atomics: number;
  held: number;
  afterTrim: number;
}

export async function remoteCount(variant: string, blocks: number, size: number): Promise<RemoteCount> {
  const n = await nativeHelpers(variant);
  const bin = n.buildProgram(join(remote.root, 'test/c/remote_count.c'), {
    mode: 'plain',
    cflags: [`-I${join(remote.root, '../../native/include')}`],
  });
  const r = n.run(bin, { args: [String(blocks), String(size)], preload: true, timeoutMs: 60_000 });
  expect(r.status, n.describeRun(r)).toBe(0);
  const m = /frees=(-?\d+) atomics=(-?\d+) held=(-?\d+) after_trim=(-?\d+)/.exec(r.stdout);
  expect(m, n.describeRun(r)).toBeTruthy();
  console.log(`[remote] ${variant} ${blocks} x ${size} B: ${m![0]}`);
  return { frees: Number(m![1]), atomics: Number(m![2]), held: Number(m![3]), afterTrim: Number(m![4]) };
}
