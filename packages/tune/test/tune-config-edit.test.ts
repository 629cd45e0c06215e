import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getVariant, HakmemConfigError, loadConfig } from '@hakmem/compose';
import { insertVariant, renderVariant, writeVariant, type NewVariant } from '../src/config-edit.js';
import { CONFIG_IMPORTS, SLOTS_FIELD, repoRoot, tempDir } from '@hakmem/test-utils';

const realConfig = readFileSync(join(repoRoot, 'hakmem.config.ts'), 'utf8');

const tuned: NewVariant = {
  name: 'tuned',
  description: 'lean, with magazines',
  extends: 'lean',
  boxes: { front: 'magazine' },
  tunables: { front: { blocks: 128 }, refill: { batchBlocks: 32 } },
};

/** A config file in a temporary directory inside the repo (so @hakmem/* resolve), and its cleanup. */
function configFile(text: string): { file: string; dir: string; cleanup: () => void } {
  const t = tempDir('tune');
  const file = join(t.dir, 'hakmem.config.ts');
  writeFileSync(file, text);
  return { file, ...t };
}

/** `after` is `before` with whole lines added in one place; returns them. */
function addedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const added = b.length - a.length;
  expect(b.slice(i + added)).toEqual(a.slice(i));
  return b.slice(i, i + added);
}

/** A config with the given `variants: ...` text. */
const withVariants = (variants: string): string =>
  `${CONFIG_IMPORTS}
export default defineConfig({
  ${SLOTS_FIELD}
  variants: ${variants},
});
`;

describe('renderVariant', () => {
  it('writes an object literal in the repository style', () => {
    const v: NewVariant = {
      name: 'lean-2',
      description: "it's `fast`\\\n",
      extends: 'lean',
      boxes: { front: 'magazine' },
      tunables: { front: { blocks: 128 }, purge: {}, core: { asserts: true }, block: { onInvalid: 'abort' } },
    };
    expect(renderVariant(v, '    ', '  ')).toBe(
      [
        "    'lean-2': {",
        "      description: 'it\\'s `fast`\\\\\\n',",
        "      extends: 'lean',",
        "      boxes: { front: 'magazine' },",
        '      tunables: {',
        '        front: { blocks: 128 },',
        '        core: { asserts: true },',
        "        block: { onInvalid: 'abort' },",
        '      },',
        '    },',
        '',
      ].join('\n'),
    );
  });

  it('leaves out empty boxes and tunables, and breaks what does not fit in a line', () => {
    const long = 'x'.repeat(110);
    const text = renderVariant({ name: 'v', description: long, extends: 'b', boxes: {}, tunables: {} }, '\t', '\t');
    expect(text).toBe(`\tv: {\n\t\tdescription:\n\t\t\t'${long}',\n\t\textends: 'b',\n\t},\n`);
    const wide = Object.fromEntries(Array.from({ length: 12 }, (_, n) => [`tunable${n}`, 1000000 + n]));
    const lines = renderVariant(
      { name: 'v', description: '', extends: 'b', boxes: {}, tunables: { large: wide } },
      '',
      '  ',
      false,
    ).split('\n');
    expect(lines).toContain('    large: {');
    expect(lines).toContain('      tunable11: 1000011');
    expect(lines.at(-2)).toBe('}');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(120);
  });
});

describe('insertVariant', () => {
  it("adds only lines to the repository's config, and the result resolves the variant", async () => {
    const text = insertVariant(realConfig, tuned);
    expect(addedLines(realConfig, text)).toEqual([
      '    tuned: {',
      "      description: 'lean, with magazines',",
      "      extends: 'lean',",
      "      boxes: { front: 'magazine' },",
      '      tunables: {',
      '        front: { blocks: 128 },',
      '        refill: { batchBlocks: 32 },',
      '      },',
      '    },',
    ]);
    const f = configFile(text);
    try {
      const c = await loadConfig(f.file);
      const v = getVariant(c, 'tuned');
      const lean = getVariant(c, 'lean');
      expect(v.description).toBe('lean, with magazines');
      for (const [slot, b] of Object.entries(lean.boxes)) {
        expect(v.boxes[slot as keyof typeof v.boxes].box).toBe(slot === 'front' ? 'magazine' : b.box);
      }
      // lean's front tunables were for tcache: dropped; the rest inherited
      expect(v.tunables.front).toEqual({ blocks: 128, maxBytes: 131072 });
      expect(v.tunables.refill).toEqual({ ...lean.tunables.refill, batchBlocks: 32 });
      expect(v.tunables.purge).toEqual(lean.tunables.purge);
      expect(v.tunables.remote).toEqual(lean.tunables.remote);
    } finally {
      f.cleanup();
    }
  });

  it('writes strings with quotes, backticks and dollar-braces so they read back the same', async () => {
    const description = `it's "quoted", \`ticked\` and $\{not} a template; a \\ and a\nnew line`;
    const text = insertVariant(realConfig, { ...tuned, name: 'q-1', description });
    const f = configFile(text);
    try {
      expect(getVariant(await loadConfig(f.file), 'q-1').description).toBe(description);
    } finally {
      f.cleanup();
    }
  });

  it('skips braces in comments, strings and templates', async () => {
    const source = `${CONFIG_IMPORTS}
// variants: { a comment with braces } {
/* } block { */
const note = \`\${'}'} {\${\`\${1 + 1}}\`}\`;
export default defineConfig({
  ${SLOTS_FIELD}
  // variants: {
  variants: {
    a: { description: "} { // not a comment", boxes: { front: 'tcache' } }, // {
    /* } */
  },
});
export const other = { variants: { x: 1 } };
void note;
`;
    const text = insertVariant(source, { ...tuned, name: 'b', extends: 'a', tunables: { front: { blocks: 64 } } });
    expect(addedLines(source, text)[0]).toBe('    b: {');
    expect(text).toContain("    /* } */\n    b: {\n      description: 'lean, with magazines',\n      extends: 'a',");
    const f = configFile(text);
    try {
      const c = await loadConfig(f.file);
      expect(getVariant(c, 'b').boxes.front.box).toBe('magazine');
      expect(getVariant(c, 'b').tunables.front.blocks).toBe(64);
    } finally {
      f.cleanup();
    }
  });

  it('opens an empty or one-line variants object onto lines', async () => {
    const v = { ...tuned, name: 'b', extends: 'a', tunables: {} };
    expect(insertVariant(withVariants('{}'), { ...v, extends: '' })).toContain(
      "  variants: {\n    b: {\n      description: 'lean, with magazines',\n      boxes: { front: 'magazine' },\n    },\n  },\n",
    );
    const text = insertVariant(withVariants("{ a: { description: 'a', boxes: {} } }"), v);
    expect(text).toContain(
      "  variants: { a: { description: 'a', boxes: {} },\n    b: {\n      description: 'lean, with magazines',\n" +
        "      extends: 'a',\n      boxes: { front: 'magazine' },\n    },\n  },\n",
    );
    const f = configFile(text);
    try {
      expect(getVariant(await loadConfig(f.file), 'b').boxes.front.box).toBe('magazine');
    } finally {
      f.cleanup();
    }
  });

  it("follows a file's indentation, line ends and trailing commas", () => {
    const source = 'export default {\r\n\tvariants: {\r\n\t\ta: { boxes: {} }\r\n\t}\r\n};\r\n';
    expect(insertVariant(source, { ...tuned, extends: 'a', tunables: { front: { blocks: 64 } } })).toBe(
      'export default {\r\n\tvariants: {\r\n\t\ta: { boxes: {} },\r\n' +
        "\t\ttuned: {\r\n\t\t\tdescription: 'lean, with magazines',\r\n\t\t\textends: 'a',\r\n" +
        "\t\t\tboxes: { front: 'magazine' },\r\n\t\t\ttunables: {\r\n\t\t\t\tfront: { blocks: 64 }\r\n\t\t\t}\r\n\t\t}\r\n" +
        '\t}\r\n};\r\n',
    );
  });

  it('follows the default export through a name, a shorthand `variants` and a regex with a quote', async () => {
    const v = { ...tuned, name: 'b', extends: 'a', tunables: { front: { blocks: 64 } } };
    const configs = {
      // `export default config`: a const exported later
      named: `${CONFIG_IMPORTS}
const config = defineConfig({
  slots: { front, refill, superslab, sharedpool, block, large, stats, purge },
  variants: {
    a: { description: 'a', boxes: {} },
  },
});
export default config;
`,
      // a shorthand \`variants\`, the object a const of its own; and \`export { x as default }\`
      shorthand: `${CONFIG_IMPORTS}
const variants = {
  a: { description: 'a', boxes: {} },
};
const config = defineConfig({ slots: { front, refill, superslab, sharedpool, block, large, stats, purge }, variants });
export { config as default };
`,
      // regular-expression literals with quotes and braces, before and inside the variants object
      regex: `${CONFIG_IMPORTS}
const quoteless = (s: string): string => s.replace(/['"{]/g, '');
export default defineConfig({
  slots: { front, refill, superslab, sharedpool, block, large, stats, purge },
  variants: {
    a: { description: quoteless("it's {a}").replace(/'}/, ''), boxes: {} },
  },
} satisfies Parameters<typeof defineConfig>[0]);
`,
    };
    const inserted = {
      named: "    a: { description: 'a', boxes: {} },\n    b: {\n      description: 'lean, with magazines',\n",
      shorthand:
        "const variants = {\n  a: { description: 'a', boxes: {} },\n  b: {\n    description: 'lean, with magazines',\n",
      regex: "    a: { description: quoteless(\"it's {a}\").replace(/'}/, ''), boxes: {} },\n    b: {\n",
    };
    for (const [shape, source] of Object.entries(configs) as [keyof typeof configs, string][]) {
      const text = insertVariant(source, v);
      expect(addedLines(source, text).length, shape).toBeGreaterThan(3);
      expect(text, shape).toContain(inserted[shape]);
      const f = configFile(source);
      try {
        await writeVariant(f.file, v);
        expect(readFileSync(f.file, 'utf8'), shape).toBe(text);
        const c = await loadConfig(f.file);
        expect(getVariant(c, 'b').boxes.front.box, shape).toBe('magazine');
        expect(getVariant(c, 'b').tunables.front.blocks, shape).toBe(64);
        expect(getVariant(c, 'a').description, shape).toBe(shape === 'regex' ? 'its a}' : 'a');
        expect(readdirSync(f.dir), shape).toEqual(['hakmem.config.ts']);
      } finally {
        f.cleanup();
      }
    }
  });

  it('says where a config that does not parse fails', () => {
    expect(() => insertVariant('export default {\n  variants: { a: },\n};\n', tuned)).toThrow(
      /cannot read the config's source: .* at line 2, column 18/,
    );
  });

  it('refuses a name in use, unless told to replace it; and a config with no variants object', () => {
    expect(() => insertVariant(realConfig, { ...tuned, name: 'secure' })).toThrow(HakmemConfigError);
    expect(() => insertVariant(realConfig, { ...tuned, name: 'secure' })).toThrow(/variant 'secure' is already/);
    const text = insertVariant(realConfig, { ...tuned, name: 'secure' }, { replace: true });
    const secure = realConfig.match(/\n {4}secure: \{\n[\s\S]*?\n {4}\},\n/)![0];
    const replaced = text.match(/\n {4}secure: \{\n[\s\S]*?\n {4}\},\n/)![0];
    expect(replaced).toContain("extends: 'lean'");
    expect(text.replace(replaced, () => secure)).toBe(realConfig);
    for (const bad of ['const c = {};\nexport default c;\n', 'export default defineConfig({ slots, variants });\n']) {
      expect(() => insertVariant(bad, tuned)).toThrow(/no `variants: \{ \.\.\. \}` object literal/);
    }
  });
});

describe('writeVariant', () => {
  it('writes the variant into the file, and leaves no temporary file', async () => {
    const f = configFile(realConfig);
    try {
      const text = await writeVariant(f.file, tuned);
      expect(readFileSync(f.file, 'utf8')).toBe(text);
      expect(getVariant(await loadConfig(f.file), 'tuned').boxes.front.box).toBe('magazine');
      expect(readdirSync(f.dir)).toEqual(['hakmem.config.ts']);
    } finally {
      f.cleanup();
    }
  });

  it('leaves the file as it was when the result does not validate', async () => {
    const f = configFile(realConfig);
    try {
      const bad = { ...tuned, tunables: { front: { blocks: 9999 } } };
      await expect(writeVariant(f.file, bad)).rejects.toThrow(
        /would not load, so it is left as it was: variant tuned: front\.blocks = 9999 is out of range/,
      );
      await expect(writeVariant(f.file, { ...tuned, extends: 'nope' })).rejects.toThrow(HakmemConfigError);
      expect(readFileSync(f.file, 'utf8')).toBe(realConfig);
      expect(readdirSync(f.dir)).toEqual(['hakmem.config.ts']);
    } finally {
      f.cleanup();
    }
  });
});
