// `changeset version`, run on a copy of the workspace's manifests: a breaking change of the
// contract (@hakmem/native) moves every box and the composer, rewrites their workspace:
// ranges and writes their CHANGELOGs; a change in one box moves that box only.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publishableDirs, readJson, repoRoot } from '../../scripts/packages.mjs';

const cli = join(repoRoot, 'node_modules', '@changesets', 'cli', 'bin.js');
const temps: string[] = [];

/** A copy of what changesets reads: workspace layout, config, package.json and CHANGELOG.md files. */
function copyWorkspace(changeset: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-changesets-'));
  temps.push(dir);
  for (const f of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json'])
    cpSync(join(repoRoot, f), join(dir, f));
  for (const pkg of publishableDirs()) {
    for (const f of ['package.json', 'CHANGELOG.md']) {
      const to = join(dir, relative(repoRoot, pkg), f);
      mkdirSync(dirname(to), { recursive: true });
      cpSync(join(pkg, f), to);
    }
  }
  writeFileSync(join(dir, '.changeset', 'test-change.md'), changeset);
  const r = spawnSync(process.execPath, [cli, 'version'], { cwd: dir, encoding: 'utf8' });
  expect(r.stderr + r.stdout).not.toMatch(/error/i);
  expect(r.status).toBe(0);
  return dir;
}

const version = (v: string, bump: 'patch' | 'minor'): string => {
  const [a, b, c] = v.split('.').map(Number);
  return bump === 'minor' ? `${a}.${b + 1}.0` : `${a}.${b}.${c + 1}`;
};

afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('changeset version', () => {
  const native = readJson(join(repoRoot, 'native', 'package.json')).version as string;
  const dependents = publishableDirs()
    .map((d) => relative(repoRoot, d))
    .filter((d) => readJson(join(repoRoot, d, 'package.json')).dependencies?.['@hakmem/native']);

  it('a contract change bumps every dependent and rewrites its workspace: range', () => {
    const dir = copyWorkspace(`---\n'@hakmem/native': minor\n---\n\nA slot header changed.\n`);
    const next = version(native, 'minor');
    expect(readJson(join(dir, 'native', 'package.json')).version).toBe(next);
    expect(dependents).toContain('packages/front');
    expect(dependents).toContain('packages/compose');
    for (const d of dependents) {
      const before = readJson(join(repoRoot, d, 'package.json'));
      const after = readJson(join(dir, d, 'package.json'));
      expect(after.version, d).toBe(version(before.version, 'patch'));
      expect(after.dependencies['@hakmem/native'], d).toBe(`workspace:^${next}`);
      expect(readFileSync(join(dir, d, 'CHANGELOG.md'), 'utf8')).toContain(`## ${after.version}`);
      expect(readFileSync(join(dir, d, 'CHANGELOG.md'), 'utf8')).toContain(`@hakmem/native@${next}`);
    }
    expect(readFileSync(join(dir, 'native', 'CHANGELOG.md'), 'utf8')).toMatch(
      new RegExp(`## ${next.replace(/\./g, '\\.')}\\n\\n### Minor Changes\\n\\n- A slot header changed\\.`),
    );
  });

  it('a change in one box moves that box only', () => {
    const dir = copyWorkspace(`---\n'@hakmem/front': patch\n---\n\nA faster pop.\n`);
    for (const d of publishableDirs().map((p) => relative(repoRoot, p))) {
      const before = readJson(join(repoRoot, d, 'package.json')).version;
      const after = readJson(join(dir, d, 'package.json')).version;
      expect(after, d).toBe(d === 'packages/front' ? version(before, 'patch') : before);
    }
  });
});
