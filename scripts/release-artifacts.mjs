#!/usr/bin/env node
// `pnpm release:artifacts [--variants a,b] [--out DIR]`: the C user's tarball and .debs of the
// repo's variants (@hakmem/compose's releaseArtifacts), into release/ by default.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, releaseArtifacts } from '@hakmem/compose';
import { repoRoot } from './packages.mjs';

const { values } = parseArgs({
  options: { variants: { type: 'string' }, out: { type: 'string' }, config: { type: 'string' } },
});
const config = await loadConfig(values.config ?? join(repoRoot, 'hakmem.config.ts'));
const r = await releaseArtifacts(config, {
  outDir: values.out ?? join(repoRoot, 'release'),
  variants: values.variants?.split(',').filter(Boolean),
});
for (const f of [r.tarball, ...r.debs]) process.stdout.write(`release:artifacts: ${f}\n`);
if (!r.debs.length) process.stdout.write('release:artifacts: no dpkg-deb, no .debs\n');
