// docs/dataflow.md names a file and a function for every step of the data flow; each must
// exist, the function defined (not only declared or called) at the top level of that file.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const doc = readFileSync(join(root, 'docs/dataflow.md'), 'utf8');

/** Table rows of the form | step | `file` | `function` | what |. */
const rows = [...doc.matchAll(/^\| [^|]+ \| `([^`]+)` \| `([^`]+)` \|/gm)].map((m) => ({ file: m[1]!, fn: m[2]! }));

/** A top-level definition: a line that starts at column 0, has `name(` and does not end in `;`. */
function defines(source: string, fn: string): boolean {
  const name = fn.replace(/[()]/g, (c) => `\\${c}`);
  const re = new RegExp(`^[A-Za-z_][^\\n]*[ *]${name}[ \\t]*\\([^\\n]*[^;\\s][ \\t]*$`, 'm');
  return re.test(source);
}

describe('docs/dataflow.md', () => {
  it('names the steps of every flow', () => {
    expect(rows.length).toBeGreaterThan(30);
    for (const section of ['malloc: the hit', 'the miss', '## free', 'large blocks', 'thread exit', 'back to the OS'])
      expect(doc).toContain(section);
  });

  it.each(rows.map((r) => [r.file, r.fn]))('%s defines %s', (file, fn) => {
    const path = join(root, file);
    expect(existsSync(path), file).toBe(true);
    expect(defines(readFileSync(path, 'utf8'), fn), `${fn} in ${file}`).toBe(true);
  });

  it('the check itself tells a definition from a declaration or a call', () => {
    expect(defines('static void hk_x(void);\n', 'hk_x')).toBe(false);
    expect(defines('  hk_x();\n', 'hk_x')).toBe(false);
    expect(defines('static void hk_x(void) {\n', 'hk_x')).toBe(true);
    expect(defines('HK_API void *HK_NAME(malloc)(size_t n) { return 0; }\n', 'HK_NAME(malloc)')).toBe(true);
  });
});
