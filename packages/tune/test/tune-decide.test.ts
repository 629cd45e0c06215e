import { describe, expect, it } from 'vitest';
import { figures, pickWinner, promising, verdicts } from '../src/decide.js';
import type { RunSample } from '../src/measure.js';

const run = (arm: string, wall: number, rssKb = 10_000, ok = true): RunSample => ({
  arm,
  stage: 's',
  round: 0,
  ok,
  ...(ok ? {} : { error: 'exit status 1 (the base was 0)' }),
  wall,
  cpu: wall,
  rssKb,
  faults: 0,
});
const many = (arm: string, walls: number[], rss?: number[]) => walls.map((w, i) => run(arm, w, rss?.[i] ?? 10_000));

describe('decide', () => {
  const base = many('base', [1.0, 1.02, 0.98, 1.01, 0.99]);
  it('speed: a clearly faster candidate is better, one within the spread is not', () => {
    const runs = [
      ...base,
      ...many('fast', [0.7, 0.72, 0.69, 0.71, 0.7]),
      ...many('same', [1.0, 0.99, 1.03, 0.97, 1.01]),
    ];
    const v = verdicts('speed', runs, 'base', ['fast', 'same']);
    expect(v[0]).toMatchObject({ arm: 'fast', better: true, n: 5 });
    expect(v[0]!.p).toBeCloseTo(1 / 252, 6);
    expect(v[0]!.ratio).toBeCloseTo(0.7, 2);
    expect(v[1]!.better).toBe(false);
    expect(promising(v).map((x) => x.arm)).toEqual(['fast']);
  });
  it('rounds aligned: a 3x swing of the machine between rounds drops out, a 13% gain stays', () => {
    // a VM whose CPUs share a cache in some rounds and not in others: every arm of a round
    // moves together (level 1 or 3), the candidate is 13% faster in each, noise 2%
    const level = [1, 3, 3, 1, 3, 1, 1, 3, 3, 1];
    const noise = [1.0, 1.02, 0.98, 1.01, 0.99, 1.02, 0.99, 1.0, 1.01, 0.98];
    const at = (arm: string, f: number) =>
      level.map((l, r) => ({ ...run(arm, l * f * (noise[(r + arm.length) % 10] as number)), round: r }));
    const runs = [...at('base', 1), ...at('fast', 0.87), ...at('same', 1)];
    const v = verdicts('speed', runs, 'base', ['fast', 'same']);
    expect(v[0]).toMatchObject({ arm: 'fast', better: true });
    expect(v[0]!.p).toBeLessThan(0.001);
    expect(v[0]!.ratio).toBeCloseTo(0.87, 1);
    expect(v[1]!.better).toBe(false);
    // unaligned (every run in one round) the swing all but hides the gain: p 0.03, not 5e-6
    const flat = runs.map((r) => ({ ...r, round: 0 }));
    expect(verdicts('speed', flat, 'base', ['fast'])[0]!.p).toBeGreaterThan(0.01);
  });
  it('the winner by aligned ratio: raw medians of arms that ran in different rounds mislead', () => {
    // `one` (0.80 of the base) ran all six rounds, half of them in the slow mode (level 3);
    // `two` (0.84) ran four, three of them fast: its raw median 0.84 looks better than one's 1.6
    const level = [1, 3, 1, 3, 1, 3];
    const at = (arm: string, f: number, rounds: number[]) =>
      rounds.map((r) => ({ ...run(arm, (level[r] as number) * f), round: r }));
    const all = [0, 1, 2, 3, 4, 5];
    const runs = [...at('base', 1, all), ...at('one', 0.8, all), ...at('two', 0.84, [0, 1, 2, 4])];
    const v = verdicts('speed', runs, 'base', ['one', 'two']);
    expect(v.map((x) => x.better)).toEqual([true, true]);
    expect(v[1]!.median).toBeLessThan(v[0]!.median); // raw: two looks best
    expect(promising(v).map((x) => x.arm)).toEqual(['one', 'two']);
    // two is simpler, but neither within 1% of one nor equal to it by the rank test
    expect(pickWinner('speed', runs, 'base', v, (id) => (id === 'two' ? 1 : 2))?.arm).toBe('one');
  });
  it('a candidate with a failed run is out', () => {
    const runs = [...base, ...many('fast', [0.7, 0.7, 0.7, 0.7]), run('fast', Number.NaN, Number.NaN, false)];
    const [v] = verdicts('speed', runs, 'base', ['fast']);
    expect(v!.better).toBe(false);
    expect(v!.excluded).toMatch(/a run failed: exit status 1/);
  });
  it('memory: smaller peak RSS wins unless it is more than 25% slower', () => {
    const b = many('base', [1, 1, 1, 1, 1], [900, 910, 905, 895, 900]);
    const lean = many('lean', [1.2, 1.19, 1.21, 1.2, 1.2], [500, 505, 510, 495, 500]);
    const slow = many('slow', [1.3, 1.3, 1.3, 1.3, 1.3], [400, 400, 400, 400, 400]);
    const v = verdicts('memory', [...b, ...lean, ...slow], 'base', ['lean', 'slow']);
    expect(v[0]!.better).toBe(true);
    expect(v[1]!.better).toBe(false);
    expect(v[1]!.excluded).toMatch(/30% slower/);
  });
  it('balanced: the product of time and RSS against the base', () => {
    const b = many('base', [1, 1, 1, 1, 1], [1000, 1000, 1000, 1000, 1000]);
    expect(figures('balanced', many('x', [0.5], [1000]), b)).toEqual([0.5]);
    expect(figures('balanced', many('x', [2], [250]), b)).toEqual([0.5]);
  });
  it('Holm over the finalists, and the simpler of two that are not significantly apart', () => {
    const runs = [
      ...base,
      ...many('one', [0.7, 0.71, 0.69, 0.7, 0.72]),
      ...many('two', [0.69, 0.7, 0.7, 0.71, 0.68]),
      ...many('worse', [0.9, 1.1, 0.95, 1.05, 0.97]),
    ];
    const v = verdicts('speed', runs, 'base', ['one', 'two', 'worse'], { holm: true });
    expect(v.map((x) => x.better)).toEqual([true, true, false]);
    const changes = (id: string) => (id === 'two' ? 2 : 1);
    expect(pickWinner('speed', runs, 'base', v, changes)?.arm).toBe('one');
    const clearly = [...base, ...many('one', [0.8, 0.81, 0.79, 0.8, 0.8]), ...many('two', [0.5, 0.51, 0.5, 0.49, 0.5])];
    const v2 = verdicts('speed', clearly, 'base', ['one', 'two'], { holm: true });
    expect(pickWinner('speed', clearly, 'base', v2, changes)?.arm).toBe('two');
    expect(pickWinner('speed', runs, 'base', [], changes)).toBeUndefined();
  });
  it('equals within 1%: the simpler, then the better on the other figure', () => {
    const b = many('base', [1, 1, 1, 1, 1], [900, 900, 900, 900, 900]);
    const eager = many('eager', [1.2, 1.2, 1.2, 1.2, 1.2], [500, 500, 500, 500, 500]);
    const short = many('short', [1.0, 1.0, 1.0, 1.0, 1.0], [503, 503, 503, 503, 503]);
    const runs = [...b, ...eager, ...short];
    const v = verdicts('memory', runs, 'base', ['eager', 'short'], { holm: true });
    expect(pickWinner('memory', runs, 'base', v, () => 1)?.arm).toBe('short');
    // a significant 0.5% is no improvement
    const tiny = many('tiny', [1, 1, 1, 1, 1], [896, 896, 896, 896, 896]);
    expect(verdicts('memory', [...b, ...tiny], 'base', ['tiny'])[0]!.better).toBe(false);
  });
});
