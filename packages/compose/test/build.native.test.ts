// End-to-end: needs hakmem's C sources (native/, packages/*/c/).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadHakmem, classOf, type VariantJson } from '@hakmem/native';
import { buildVariant, loadConfig, which } from './internal.js';
import { cliBin, configSource, repoRoot, tempDir } from './helpers.js';

describe('building a variant from a config (needs the C side)', () => {
  it('builds every output into dist/<variant>/, with the swapped tunable compiled in', async () => {
    const t = tempDir('e2e');
    const name = `e2e-${process.pid}`;
    try {
      const file = join(t.dir, 'hakmem.config.ts');
      writeFileSync(file, configSource(name, "{ front: { maxBlocks: 64 }, block: { onInvalid: 'report' } }"));
      const config = await loadConfig(file);
      const r = await buildVariant(config, name);
      const dist = join(t.dir, 'dist', name);
      expect(r.distDir).toBe(dist);
      for (const f of ['libhakmem.so', 'libhakmem.a', 'hakmem.node', 'hakmem.pc', 'variant.json', 'include/hakmem.h']) {
        expect(existsSync(join(dist, f)), f).toBe(true);
      }
      const json = JSON.parse(readFileSync(join(dist, 'variant.json'), 'utf8')) as VariantJson;
      expect(json.name).toBe(name);
      expect(json.tunables.front.maxBlocks).toBe(64);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: pkg-config's own variable
      expect(readFileSync(join(dist, 'hakmem.pc'), 'utf8')).toContain('prefix=${pcfiledir}\n');

      const hk = loadHakmem(dist);
      expect(hk.variantName()).toBe(name);
      expect(hk.version()).toBe('0.1.0');
      expect(JSON.parse(hk.variantJson())).toEqual(json);
      const cls = classOf(hk, 64);
      expect(Number(hk.probe('front', 'capacity', cls))).toBeLessThanOrEqual(64);

      // The shared library serves a preloaded program and reports at exit.
      const report = join(t.dir, 'report.txt');
      const run = spawnSync('sort', [], {
        input: 'b\na\n',
        encoding: 'utf8',
        env: { ...process.env, LD_PRELOAD: join(dist, 'libhakmem.so'), HAKMEM_REPORT: report },
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toBe('a\nb\n');
      expect(readFileSync(report, 'utf8')).toMatch(
        new RegExp(`^hakmem pid=${run.pid} variant=${name} chunks=\\d+ large_maps=\\d+ bytes_mapped=\\d+$`, 'm'),
      );
    } finally {
      t.cleanup();
    }
  });

  it.skipIf(!which('clang'))(
    `honours CC, CFLAGS and LDFLAGS, records them in variant.json, which names no path of the build machine${which('clang') ? '' : ' (skipped: clang not installed)'}`,
    { timeout: 180_000 },
    async () => {
      const t = tempDir('cc');
      const name = `cc-${process.pid}`;
      try {
        const file = join(t.dir, 'hakmem.config.ts');
        writeFileSync(file, configSource(name));
        const env = { ...process.env, CC: 'clang', CFLAGS: '-O3 -DHK_TEST_CFLAG=1', LDFLAGS: '-Wl,-z,relro' };
        const r = await buildVariant(await loadConfig(file), name, { env });
        const text = readFileSync(join(r.distDir, 'variant.json'), 'utf8');
        const json = JSON.parse(text) as VariantJson;
        expect(json.compiler).toMatchObject({ cc: 'clang', ldflags: ['-Wl,-z,relro'] });
        expect(json.compiler.cflags.slice(-2)).toEqual(['-O3', '-DHK_TEST_CFLAG=1']);
        expect(json.compiler.includes).toContain('@hakmem/large/c/common');
        expect(text).not.toContain(repoRoot);
        expect(text).not.toContain(t.dir);
        expect(loadHakmem(r.distDir).variantJson()).toBe(JSON.stringify(json));
        // clang compiled it: its name is in the library's .comment section
        const comment = spawnSync('readelf', ['-p', '.comment', join(r.distDir, 'libhakmem.so')], { encoding: 'utf8' });
        expect(comment.stdout).toMatch(/clang version/);
      } finally {
        t.cleanup();
      }
    },
  );

  it('hakmem demo runs Python on the default variant', () => {
    const r = spawnSync(process.execPath, [cliBin, 'demo', 'default'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/hakmem pid=\d+ variant=default chunks=\d+/);
  });
});
