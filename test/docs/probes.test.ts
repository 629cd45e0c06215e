// The probe names the addon's types allow (ProbeNames, from the slot list native/src/slots.ts)
// are exactly the names the C sources answer: the compiler holds every box to a case for each
// (the enums are generated from the same list, -Werror=switch), and this holds each name to a
// box that answers it, a case that does more than return -1, in a slot's boxes (or, for `core`,
// in native/core/hk_api.c). A probe no box answers fails here.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_PROBES, SLOTS } from '../../native/src/slots.js';
import { cFiles } from './c-files.js';
import { answeredCases } from '../../scripts/docs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const typed: Record<string, Set<string>> = {
  core: new Set(CORE_PROBES),
  ...Object.fromEntries(SLOTS.map((s) => [s.name, new Set<string>(s.probes)])),
};

/** The probes some file answers: case labels of a switch over the slot's enum, but those of a
 * group that only returns -1 (scripts/docs.mjs reads them so for the READMEs). */
const answered = (slot: string, files: string[]) =>
  new Set<string>(
    files.flatMap((f) => answeredCases(slot, readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')) as string[]),
  );

describe('ProbeNames matches the C probes', () => {
  it.each(Object.keys(typed))('%s', (slot) => {
    const files = slot === 'core' ? [join(root, 'native/core/hk_api.c')] : cFiles(join(root, 'packages', slot, 'c'));
    expect([...typed[slot]!].sort()).toEqual([...answered(slot, files)].sort());
  });
});
