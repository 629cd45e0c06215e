// The stat events are listed once, in C: HAKMEM_EVENT_LIST of native/include/hakmem.h, which the
// public enum (HAKMEM_EV_<NAME>, which the core and the boxes count by), hakmem_event_name() and
// the exit report expand.
// The addon's STAT_EVENTS (native/src/addon.ts), which types `stats().events`, is held to it here:
// the same names in the same order.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STAT_EVENTS } from '../../native/src/addon.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const header = readFileSync(join(root, 'native/include/hakmem.h'), 'utf8');

/** The X(NAME, name) entries of HAKMEM_EVENT_LIST, in order. */
function eventList(): { NAME: string; name: string }[] {
  const m = /#define HAKMEM_EVENT_LIST\(X\)((?:.*\\\n)*.*)/.exec(header);
  if (!m) throw new Error('hakmem.h defines no HAKMEM_EVENT_LIST(X)');
  const body = m[1]!.replace(/\/\*[\s\S]*?\*\//g, '');
  return [...body.matchAll(/\bX\(\s*(\w+)\s*,\s*(\w+)\s*\)/g)].map((x) => ({ NAME: x[1]!, name: x[2]! }));
}

describe('the stat events', () => {
  it('hakmem.h lists them once, each NAME the upper case of its name', () => {
    const list = eventList();
    expect(list.length).toBeGreaterThan(10);
    for (const e of list) expect(e.NAME).toBe(e.name.toUpperCase());
    // nothing else spells them out: every use expands the list
    expect(header).not.toMatch(/HAKMEM_EV_MALLOC_HIT\s*,/);
  });

  it("the addon's STAT_EVENTS are hakmem.h's, in order", () => {
    expect([...STAT_EVENTS]).toEqual(eventList().map((e) => e.name));
  });

  it('the C that names each event expands the list (no second list of names or aliases)', () => {
    const report = readFileSync(join(root, 'native/core/hk_api.c'), 'utf8');
    const stats = readFileSync(join(root, 'native/include/hakmem/hk_stats.h'), 'utf8');
    expect(report).toMatch(/HAKMEM_EVENT_LIST\(\w+\)/);
    expect(report).not.toMatch(/"malloc_hit"/);
    expect(stats).not.toMatch(/HK_EV_MALLOC_HIT/);
  });
});
