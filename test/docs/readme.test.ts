// The README stays short (at most 200 lines), starts with the two commands (build the default
// variant and run it; run the tests), and every relative link in README.md and docs/*.md leads
// somewhere: to a file or folder that exists and, for `#anchor` into a Markdown file, to one of
// its headings (slugged the way GitHub does).
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** GitHub's heading anchor: lowercase, punctuation dropped except '-' and '_', spaces to '-'. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown file's headings (outside code blocks), with GitHub's -1, -2 suffixes. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) continue;
    const m = /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const s = slug(m[1]!);
    const n = seen.get(s) ?? 0;
    seen.set(s, n + 1);
    out.add(n ? `${s}-${n}` : s);
  }
  return out;
}

/** The link targets of a Markdown file, outside code blocks and inline code. */
function links(markdown: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) continue;
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) out.push(m[1]!);
  }
  return out;
}

const docs = readdirSync(join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => join('docs', f));

describe('README.md', () => {
  it('is at most 200 lines', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(200);
  });

  it('starts with the two commands: build the default variant and run it, then the tests', () => {
    const first = /^# hakmem\n\n```sh\n([^\n]*)\n([^\n]*)\n```/.exec(readme);
    expect(first).not.toBeNull();
    expect(first![1]).toMatch(/^npm i -g pnpm@\S+ && pnpm install && pnpm build:variant default && pnpm demo\s+#/);
    expect(first![2]).toMatch(/^pnpm test\s+#/);
  });
});

describe.each(['README.md', ...docs])('%s: relative links', (file) => {
  const text = readFileSync(join(root, file), 'utf8');
  const relative = links(text).filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l));

  it.each(relative.length ? relative : ['(none)'])('%s', (link) => {
    if (link === '(none)') return;
    const [path, anchor] = link.split('#', 2) as [string, string | undefined];
    const target = path ? resolve(root, dirname(file), decodeURIComponent(path)) : join(root, file);
    expect(existsSync(target), `${file}: ${link}: no such file`).toBe(true);
    if (anchor !== undefined && target.endsWith('.md')) {
      expect(anchors(readFileSync(target, 'utf8')).has(anchor), `${file}: ${link}: no such heading`).toBe(true);
    }
  });
});
