import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_IMPORTS, SLOTS_FIELD, configSource, defaultBoxes, repoRoot, tempDir } from './helpers.js';

const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/** Writes each config into a temp project inside the repo and runs tsc --noEmit on it. */
function typecheck(files: Record<string, string>): { status: number | null; output: string } {
  const t = tempDir('types');
  try {
    writeFileSync(
      join(t.dir, 'tsconfig.json'),
      JSON.stringify({ extends: join(repoRoot, 'tsconfig.base.json'), include: ['*.ts'] }),
    );
    for (const [name, text] of Object.entries(files)) writeFileSync(join(t.dir, name), text);
    const r = spawnSync(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', '.'], {
      cwd: t.dir,
      encoding: 'utf8',
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    t.cleanup();
  }
}

const boxes = (over: Record<string, string>) => JSON.stringify({ ...defaultBoxes, ...over });
const without = (slot: string) => JSON.stringify({ ...defaultBoxes, [slot]: undefined });

describe('hakmem.config.ts is type-checked', () => {
  it('a good config type-checks', () => {
    const r = typecheck({
      'good.ts': configSource(
        'fast',
        "{ front: { maxBlocks: 512 }, block: { onInvalid: 'abort' }, large: { cacheBytes: 4294967296 } }",
      ),
      // a slot with no box runs its default box, whose tunables type-check
      'good-default.ts': configSource('d', '{ front: { maxBlocks: 64 } }', without('front')),
    });
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('a misspelt box, tunable or slot, or a value of the wrong type, does not', () => {
    const bad: Record<string, [string, RegExp]> = {
      'bad-box.ts': [configSource('v', '{}', boxes({ front: 'tcach' })), /"tcach"/],
      'bad-tunable.ts': [configSource('v', '{ front: { maxBlock: 256 } }'), /'maxBlock'/],
      'bad-type.ts': [configSource('v', "{ front: { maxBlocks: '256' } }"), /not assignable to type 'number'/],
      'bad-enum.ts': [configSource('v', "{ block: { onInvalid: 'ignore' } }"), /"ignore"/],
      'bad-slot.ts': [configSource('v', '{ frnt: { maxBlocks: 8 } }'), /'frnt'/],
      'bad-default-tunable.ts': [configSource('v', '{ front: { maxBlock: 8 } }', without('front')), /'maxBlock'/],
    };
    const r = typecheck(Object.fromEntries(Object.entries(bad).map(([f, [src]]) => [f, src])));
    expect(r.status).not.toBe(0);
    for (const [file, [, why]] of Object.entries(bad)) {
      const lines = r.output.split('\n').filter((l) => l.startsWith(`${file}(`));
      expect(lines.length, `${file} should fail to type-check:\n${r.output}`).toBeGreaterThan(0);
      expect(lines.join('\n')).toMatch(why);
    }
  });

  it('a variant that extends another is typed by its own boxes, and by any box of the slot it inherits', () => {
    const config = (variant: string) => `${CONFIG_IMPORTS}
export default defineConfig({
  ${SLOTS_FIELD}
  variants: {
    base: { description: 'b', boxes: ${JSON.stringify(defaultBoxes)} },
    mag: { description: 'm', boxes: { front: 'magazine' } },
    ${variant},
  },
});
`;
    const good = typecheck({
      'own.ts': config("t: { description: 't', extends: 'base', tunables: { front: { maxBlocks: 64 } } }"),
      'inherited.ts': config("t: { description: 't', extends: 'mag', tunables: { front: { blocks: 64 } } }"),
      'swapped.ts': config(
        "t: { description: 't', extends: 'base', boxes: { front: 'magazine' }, tunables: { front: { blocks: 64 } } }",
      ),
    });
    expect(good.output).toBe('');
    expect(good.status).toBe(0);

    const bad: Record<string, [string, RegExp]> = {
      'bad-base.ts': [config("t: { description: 't', extends: 'nope' }"), /"nope"/],
      'bad-self.ts': [config("t: { description: 't', extends: 't' }"), /"t"/],
      'bad-inherited.ts': [
        config("t: { description: 't', extends: 'base', tunables: { front: { maxBlock: 1 } } }"),
        /'maxBlock'/,
      ],
      'bad-own-box.ts': [
        config(
          "t: { description: 't', extends: 'base', boxes: { front: 'magazine' }, tunables: { front: { maxBlocks: 1 } } }",
        ),
        /'maxBlocks'/,
      ],
      'bad-no-boxes.ts': [config("t: { description: 't' }"), /boxes/],
    };
    const r = typecheck(Object.fromEntries(Object.entries(bad).map(([f, [src]]) => [f, src])));
    for (const [file, [, why]] of Object.entries(bad)) {
      const lines = r.output.split('\n').filter((l) => l.startsWith(`${file}(`));
      expect(lines.length, `${file} should fail to type-check:\n${r.output}`).toBeGreaterThan(0);
      expect(lines.join('\n')).toMatch(why);
    }
  });
});
