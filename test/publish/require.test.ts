// Every publishable package can be require()d from CommonJS as well as imported: its
// exports["."] has a require condition (dist/index.cjs, with dist/index.d.cts for its types),
// and the CommonJS entry exports the same names as the ESM one. The packages are linked into
// node_modules/@hakmem/ of a scratch project, so that node resolves them by name through their
// exports maps, as it would an installed package. Needs `pnpm build` (dist/ is required).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOT_ORDER } from '../../native/src/slots.js';
import { publishableDirs, readJson, repoRoot } from '../../scripts/packages.mjs';

const dirs = publishableDirs();
const nameOf = (dir: string): string => readJson(join(dir, 'package.json')).name;

/** One exported name each package must have, and what it must be. */
function expectedExport(name: string): { key: string; check: string } {
  const slot = name.slice('@hakmem/'.length);
  if ((SLOT_ORDER as readonly string[]).includes(slot))
    return { key: 'default', check: `m.default.slot === '${slot}'` };
  if (name === '@hakmem/native') return { key: 'includeDir', check: "typeof m.includeDir === 'string'" };
  if (name === '@hakmem/compose') return { key: 'defineConfig', check: "typeof m.defineConfig === 'function'" };
  if (name === '@hakmem/cli') return { key: 'main', check: "typeof m.main === 'function'" };
  if (name === '@hakmem/tune') return { key: 'runTune', check: "typeof m.runTune === 'function'" };
  if (name === '@hakmem/profile') return { key: 'runProfile', check: "typeof m.runProfile === 'function'" };
  if (name === '@hakmem/bench') return { key: 'BENCHMARKS', check: 'Array.isArray(m.BENCHMARKS)' };
  throw new Error(`no expected export for ${name}: add one here`);
}

let project: string;
/** name -> { keys of the CommonJS module, whether its expected export checked out } */
let required: Record<string, { keys: string[]; ok: boolean }>;

describe('publishable packages from CommonJS', () => {
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'hakmem-require-'));
    mkdirSync(join(project, 'node_modules', '@hakmem'), { recursive: true });
    for (const d of dirs) symlinkSync(d, join(project, 'node_modules', nameOf(d)), 'dir');
    writeFileSync(join(project, 'package.json'), '{ "name": "cjs-user", "private": true, "type": "commonjs" }\n');
    const checks = dirs.map((d) => {
      const name = nameOf(d);
      return `  { const m = require(${JSON.stringify(name)}); out[${JSON.stringify(name)}] = { keys: Object.keys(m).sort(), ok: ${expectedExport(name).check} }; }`;
    });
    writeFileSync(
      join(project, 'check.cjs'),
      `'use strict';\nconst out = {};\n${checks.join('\n')}\nprocess.stdout.write(JSON.stringify(out));\n`,
    );
    required = JSON.parse(execFileSync(process.execPath, ['check.cjs'], { cwd: project, encoding: 'utf8' }));
  });

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it.each(dirs.map((d) => [relative(repoRoot, d), d]))('%s is require()d by name', async (_rel, dir) => {
    const name = nameOf(dir);
    const pkg = readJson(join(dir, 'package.json'));
    const req = pkg.exports['.'].require;
    expect(req, `${name} exports["."].require`).toEqual({ types: './dist/index.d.cts', default: './dist/index.cjs' });
    expect(existsSync(join(dir, req.types)), `${name}: ${req.types}`).toBe(true);
    const r = required[name]!;
    expect(r.keys, name).toContain(expectedExport(name).key);
    expect(r.ok, `${name}: ${expectedExport(name).check}`).toBe(true);
    // the same names as the ESM entry
    const esm = (await import(pathToFileURL(join(dir, pkg.exports['.'].import.default)).href)) as object;
    expect(r.keys).toEqual(Object.keys(esm).sort());
  });
});
