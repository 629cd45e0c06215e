// hakmem tune's --metric options as the command line parses them (the metric itself: @hakmem/tune's tests).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';

describe('hakmem tune --metric on the command line', () => {
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  afterEach(() => err.mockClear());
  const written = () => err.mock.calls.map((c) => String(c[0])).join('');
  it.each([
    [['--metric', 'ops/s: ([0-9.]+)'], /say which way is better with --higher-is-better or --lower-is-better/],
    [['--metric', 'ops/s: ([0-9.]+)', '--higher-is-better', '--lower-is-better'], /contradict/],
    [['--metric', 'cpu', '--higher-is-better'], /lower is better: drop --higher-is-better/],
    [['--metric', 'ops/s'], /no capture group/],
  ])('refuses %j', async (opts, message) => {
    expect(await main(['tune', ...opts, '--', 'true'])).toBe(1);
    expect(written()).toMatch(message);
  });
});
