import { describe, expect, it } from 'vitest';
import { applyChanges, combine, candidateOf, singleCandidates, type Change } from '../src/candidates.js';
import { buildKey, compiledPart, runtimeEnv } from '../src/builds.js';
import { describeShape, parseStatsReports } from '../src/workload.js';
import { resolveVariantInput } from '@hakmem/compose';
import { slots, variant } from '@hakmem/test-utils';

const REPORT = (pid: number, remote: number, large: number) => `hakmem stats: variant tune-probe, pid ${pid}
  event             count
  malloc_hit        9000
  malloc_miss       1000
  free_local        9000
  free_remote       ${remote}
  refill            1000
  refill_blocks     64000
  drain             50
  drain_blocks      3200
  chunk_map         3
  chunk_unmap       1
  large_alloc       ${large}
  large_free        ${large}
  remote_atomics    0
  class bytes   malloc_hit    malloc_miss   free_local    free_remote   refill_blocks drain_blocks
  16            8000          900           8000          0             6400          0
  64            1000          100           1000          0             640           0
`;

const boxesOf = (slot: keyof typeof slots) => Object.keys(slots[slot].boxes);
const base = resolveVariantInput(slots, 'b', variant());

describe('workload shape', () => {
  it('sums the reports of every process', () => {
    const s = parseStatsReports(REPORT(1, 0, 0) + REPORT(2, 1000, 20));
    expect(s.processes).toBe(2);
    expect(s.events.malloc_hit).toBe(18000);
    expect(s.mallocs).toBe(20020);
    expect(s.remoteShare).toBeCloseTo(1000 / 19000, 6);
    expect(s.largeShare).toBeCloseTo(20 / 20020, 6);
    expect(s.missRate).toBeCloseTo(0.1, 6);
    expect(s.classes).toEqual([
      { size: 16, mallocs: 17800 },
      { size: 64, mallocs: 2200 },
    ]);
    expect(s.hotClasses).toBe(2);
    expect(describeShape(s).join('\n')).toMatch(/cross-thread frees 5\.3%/);
  });
  it('reads nothing from text without reports', () => {
    expect(parseStatsReports('').processes).toBe(0);
    expect(parseStatsReports('').mallocs).toBe(0);
  });
});

describe('candidates', () => {
  it('speed: larger caches when the front misses, remote boxes only with cross-thread frees', () => {
    const local = singleCandidates('speed', base, parseStatsReports(REPORT(1, 0, 0)), boxesOf).map((c) => c.id);
    expect(local).toContain('front.maxBlocks=1024');
    expect(local).toContain('refill.batchBlocks=256');
    expect(local.some((id) => id.startsWith('remote'))).toBe(false);
    expect(local.some((id) => id.startsWith('large'))).toBe(false);
    const shared = singleCandidates('speed', base, parseStatsReports(REPORT(1, 5000, 0)), boxesOf).map((c) => c.id);
    expect(shared).toContain('remote=direct');
  });
  it('memory: shorter purge delay and eager purge first', () => {
    const ids = singleCandidates('memory', base, parseStatsReports(REPORT(1, 0, 0)), boxesOf).map((c) => c.id);
    expect(ids.slice(0, 3)).toEqual(['purge.delayMs=50', 'purge.delayMs=5', 'purge=eager']);
  });
  it('balanced mixes both; without a shape nothing is pruned', () => {
    const ids = singleCandidates('balanced', base, undefined, boxesOf).map((c) => c.id);
    expect(ids).toContain('purge=eager');
    expect(ids).toContain('front.maxBlocks=1024');
    expect(ids).toContain('remote=direct');
    expect(new Set(ids).size).toBe(ids.length);
  });
  it('applies changes: a swapped box starts from its own defaults', () => {
    const v = applyChanges(base, [
      { slot: 'purge', box: 'eager' },
      { slot: 'front', tunable: 'maxBlocks', value: 64 },
    ]);
    expect(v.boxes.purge).toBe('eager');
    expect(v.tunables.purge).toEqual({});
    expect(v.tunables.front!.maxBlocks).toBe(64);
    const r = resolveVariantInput(slots, 'x', { description: '', ...v });
    expect(r.tunables.purge.keepSlabs).toBe(0);
  });
  it('combines compatible changes, the better first', () => {
    const a: Change = { slot: 'front', tunable: 'maxBlocks', value: 1024 };
    const b: Change = { slot: 'front', tunable: 'maxBlocks', value: 64 };
    const c: Change = { slot: 'purge', box: 'retain' };
    const d: Change = { slot: 'purge', tunable: 'delayMs', value: 5000 };
    const both = combine([candidateOf([a], ''), candidateOf([b], ''), candidateOf([c], ''), candidateOf([d], '')]);
    expect(both?.changes).toEqual([a, c]);
    expect(combine([candidateOf([a], ''), candidateOf([b], '')])).toBeUndefined();
  });
});

describe('builds', () => {
  it('runtime tunables go to the environment and share a build', () => {
    const big = resolveVariantInput(slots, 'x', {
      description: '',
      ...applyChanges(base, [{ slot: 'front', tunable: 'maxBlocks', value: 1024 }]),
    });
    expect(runtimeEnv(big)).toEqual({ HAKMEM_FRONT_MAX_BLOCKS: '1024' });
    expect(buildKey(big)).toBe(buildKey(base));
    expect(compiledPart(big).tunables.front.maxBlocks).toBe(256);
    const off = resolveVariantInput(slots, 'y', {
      description: '',
      ...applyChanges(base, [{ slot: 'refill', tunable: 'keepSpare', value: false }]),
    });
    expect(runtimeEnv(off)).toEqual({ HAKMEM_REFILL_KEEP_SPARE: '0' });
    const swapped = resolveVariantInput(slots, 'z', {
      description: '',
      ...applyChanges(base, [{ slot: 'purge', box: 'eager' }]),
    });
    expect(buildKey(swapped)).not.toBe(buildKey(base));
    expect(buildKey(base, { ...process.env, CFLAGS: '-O3' })).not.toBe(buildKey(base, { ...process.env, CFLAGS: '' }));
  });
});
