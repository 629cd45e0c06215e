// Real programs under LD_PRELOAD=libhakmem.so: python3, git, node and gcc must behave exactly
// as they do under glibc malloc, and HAKMEM_REPORT must show that hakmem served them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunOptions,
  type RunResult,
  describeRun,
  expectServedByHakmem,
  expectSuccess,
  findExecutable,
  makeTempDir,
  removeDir,
  repoRoot,
  requireLibrary,
  run,
  variant,
} from './helpers.js';

const TIMEOUT = 120_000;
let work: string;

/** Runs under hakmem, expects exit 0 and a HAKMEM_REPORT line (chunks > 0) for the process. */
function underHakmem(cmd: string, opts: RunOptions = {}): RunResult {
  const r = expectSuccess(run(cmd, { timeoutMs: TIMEOUT - 10_000, ...opts, preload: true, report: true }));
  expectServedByHakmem(r);
  return r;
}

/** The same command under glibc malloc, as the reference. */
function underGlibc(cmd: string, opts: RunOptions = {}): RunResult {
  return expectSuccess(run(cmd, { timeoutMs: TIMEOUT - 10_000, ...opts, preload: false, report: false }));
}

/**
 * What `compute` (a run under glibc) gives for this executable and these inputs: computed once
 * and kept in .hakmem/reference/, as every variant's project compares with the same glibc run.
 * The key holds the executable's size and time, so an upgraded program is run again.
 */
function glibcReference(exe: string, inputs: string[], compute: () => string): string {
  const st = statSync(exe);
  const key = createHash('sha256')
    .update([exe, st.size, st.mtimeMs, ...inputs].join('\0'))
    .digest('hex');
  const dir = join(repoRoot, '.hakmem', 'reference');
  const file = join(dir, key);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const value = compute();
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, value);
  renameSync(tmp, file); // parallel projects never read half a file
  return value;
}

beforeAll(() => {
  requireLibrary();
  work = makeTempDir('real');
});

afterAll(() => {
  if (work) removeDir(work);
});

/** Entries of the Python workload: 100,000 on `default` (2.2 s of python3 here, 2.8 s for glibc's
 * reference), half that on the other variants, which run the same code paths with
 * their tunables. */
const PY_ENTRIES = variant === 'default' ? 100000 : 50000;

const PY_SCRIPT = `
import hashlib, json, random, sys
random.seed(12345)
data = {}
for i in range(${PY_ENTRIES}):
    key = "k%d-%s" % (i, "x" * (i % 40))
    data[key] = [i, str(i) * (i % 7), {"v": i * 3, "s": "y" * (i % 90)}, (i, i * 2.5)]
lists = [[random.random() for _ in range(random.randint(0, 60))] for _ in range(20000)]
for lst in lists:
    lst.sort()
text = json.dumps(data, sort_keys=True)
back = json.loads(text)
assert len(back) == len(data), "json round trip lost entries"
for k in list(data)[::997]:
    v = back[k]
    assert v[0] == data[k][0] and v[1] == data[k][1] and v[2] == data[k][2], k
    assert v[3] == list(data[k][3]), k
words = " ".join(k[::-1] for k in data).split()
assert len(words) == len(data)
big = "".join(chr(65 + (i % 26)) for i in range(2000000))
counts = {}
for ch in big[::3]:
    counts[ch] = counts.get(ch, 0) + 1
del data, back, lists
h = hashlib.sha256(text.encode()).hexdigest()
print("ok", len(words), sum(counts.values()), h)
`;

const NODE_SCRIPT = `
const crypto = require('node:crypto');
const m = new Map();
for (let i = 0; i < 200000; i++) m.set('key' + i, { i, s: 'v'.repeat(i % 50) + i, a: [i, i * 2, String(i)] });
const bufs = [];
for (let i = 0; i < 5000; i++) { const b = Buffer.alloc(1 + (i * 37) % 20000, i & 0xff); bufs.push(b); }
let sum = 0;
for (const b of bufs) sum += b.length + b[b.length - 1];
const big = Buffer.concat(bufs);
const obj = Object.fromEntries([...m].filter(([k]) => k.endsWith('7')));
const text = JSON.stringify(obj);
const back = JSON.parse(text);
if (Object.keys(back).length !== Object.keys(obj).length) throw new Error('JSON round trip lost keys');
let str = '';
for (let i = 0; i < 100000; i++) str += String.fromCharCode(97 + (i % 26));
const parts = str.split('a').map((p) => p.toUpperCase()).join('-');
const h = crypto.createHash('sha256').update(text).update(big).update(parts).digest('hex');
console.log('ok', m.size, sum, big.length, parts.length, h);
`;

const GCC_SOURCE = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node { char *key; unsigned val; struct node *next; };
#define NB 4096
static struct node *tab[NB];

static unsigned hash(const char *s) { unsigned h = 2166136261u; while (*s) h = (h ^ (unsigned char)*s++) * 16777619u; return h; }

static void put(const char *k, unsigned v) {
  unsigned b = hash(k) % NB;
  for (struct node *n = tab[b]; n; n = n->next) if (!strcmp(n->key, k)) { n->val += v; return; }
  struct node *n = malloc(sizeof *n);
  n->key = strdup(k); n->val = v; n->next = tab[b]; tab[b] = n;
}

static int cmp(const void *a, const void *b) {
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
  return (x > y) - (x < y);
}

static unsigned long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void) {
  char buf[64];
  for (unsigned i = 0; i < 200000; i++) { snprintf(buf, sizeof buf, "w%u", (i * 7919u) % 50000u); put(buf, i); }
  unsigned *vals = malloc(sizeof *vals * 50000), n = 0;
  unsigned long total = 0;
  for (int b = 0; b < NB; b++)
    for (struct node *e = tab[b], *next; e; e = next) { next = e->next; vals[n++] = e->val; total += e->val; free(e->key); free(e); }
  qsort(vals, n, sizeof *vals, cmp);
  printf("entries=%u total=%lu min=%u max=%u fib=%lu\n", n, total, vals[0], vals[n - 1], fib(27));
  free(vals);
  return 0;
}
`;

describe('real programs under LD_PRELOAD', () => {
  const python = findExecutable('python3');
  it.skipIf(!python)('python3 (PYTHONMALLOC=malloc): dicts, lists, strings, json', { timeout: TIMEOUT * 2 }, () => {
    // Resolve the real interpreter (pyenv and friends install shell-script shims).
    const exe = underGlibc(python!, { args: ['-c', 'import sys; print(sys.executable)'] }).stdout.trim();
    const script = join(work, 'alloc.py');
    writeFileSync(script, PY_SCRIPT);
    const env = { PYTHONMALLOC: 'malloc', PYTHONHASHSEED: '0' };
    const ref = glibcReference(exe, [PY_SCRIPT], () => underGlibc(exe, { args: [script], env }).stdout);
    const got = underHakmem(exe, { args: [script], env });
    expect(got.stdout).toMatch(new RegExp(`^ok ${PY_ENTRIES} \\d+ [0-9a-f]{64}\\n$`));
    expect(got.stdout).toBe(ref);
  });

  const git = findExecutable('git');
  it.skipIf(!git)('git: init, add, commit, log, status, gc, fsck on ~300 files', { timeout: TIMEOUT * 3 }, () => {
    const home = join(work, 'git-home');
    mkdirSync(home, { recursive: true });
    const env = {
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: home,
      XDG_CONFIG_HOME: home,
      LC_ALL: 'C',
      GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z',
      GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z',
    };
    const cfg = [
      '-c',
      'user.name=Hakmem Test',
      '-c',
      'user.email=test@hakmem.invalid',
      '-c',
      'init.defaultBranch=main',
      '-c',
      'gc.auto=0',
      '-c',
      'maintenance.auto=false',
    ];

    const rel = (d: number, f: number) => join(`dir${d}`, f % 5 === 0 ? 'sub' : '', `file${f}.txt`);
    const makeRepo = (dir: string, exec: typeof underHakmem) => {
      mkdirSync(dir, { recursive: true });
      for (let d = 0; d < 6; d++) {
        mkdirSync(join(dir, `dir${d}`, 'sub'), { recursive: true });
        for (let f = 0; f < 50; f++) {
          writeFileSync(join(dir, rel(d, f)), `file ${d}/${f}\n${'line of text\n'.repeat((d * 50 + f) % 200)}`);
        }
      }
      const g = (...args: string[]) => exec(git!, { args: [...cfg, ...args], cwd: dir, env });
      g('init', '-q');
      g('add', '.');
      g('commit', '-q', '-m', 'initial commit');
      const log1 = g('log', '--oneline');
      expect(log1.stdout.trim().split('\n')).toHaveLength(1);
      expect(log1.stdout).toContain('initial commit');
      expect(g('status', '--porcelain').stdout).toBe('');
      for (let f = 1; f <= 10; f++) writeFileSync(join(dir, rel(1, f)), `changed ${f}\n`);
      writeFileSync(join(dir, 'dir2', 'new.txt'), 'new\n');
      const status = g('status', '--porcelain').stdout.trimEnd().split('\n');
      expect(status).toHaveLength(11);
      expect(status).toContain('?? dir2/new.txt');
      expect(status).toContain(' M dir1/file1.txt');
      expect(status).toContain(' M dir1/sub/file5.txt');
      g('add', '-A');
      g('commit', '-q', '-m', 'second commit');
      const files = g('ls-files').stdout.trim().split('\n');
      expect(files).toHaveLength(301);
      expect(g('log', '--format=%s').stdout).toBe('second commit\ninitial commit\n');
      expect(g('diff', '--stat', 'HEAD~1', 'HEAD').stdout).toMatch(/11 files changed/);
      g('gc', '-q', '--prune=now');
      const objects = g('count-objects', '-v').stdout;
      expect(objects).toMatch(/^count: 0$/m);
      expect(Number(/^in-pack: (\d+)$/m.exec(objects)?.[1])).toBeGreaterThan(300);
      g('fsck', '--full', '--strict');
      return g('rev-parse', 'HEAD').stdout.trim();
    };

    const refHead = glibcReference(git!, [makeRepo.toString(), JSON.stringify([cfg, env])], () =>
      makeRepo(join(work, 'git-glibc'), underGlibc),
    );
    const head = makeRepo(join(work, 'git-hakmem'), underHakmem);
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(head).toBe(refHead);
  });

  const node = findExecutable('node');
  it.skipIf(!node)('node: Buffers, strings, JSON, Maps', { timeout: TIMEOUT * 2 }, () => {
    const script = join(work, 'alloc.js');
    writeFileSync(script, NODE_SCRIPT);
    const env = { NODE_OPTIONS: undefined };
    const ref = glibcReference(node!, [NODE_SCRIPT], () => underGlibc(node!, { args: [script], env }).stdout);
    const got = underHakmem(node!, { args: [script], env });
    expect(got.stdout).toMatch(/^ok 200000 \d+ \d+ \d+ [0-9a-f]{64}\n$/);
    expect(got.stdout).toBe(ref);
  });

  const gcc = findExecutable('gcc');
  it.skipIf(!gcc)('gcc -O2: same object code as under glibc, and the program runs', { timeout: TIMEOUT * 3 }, () => {
    const dir = join(work, 'gcc');
    mkdirSync(dir, { recursive: true });
    const src = join(dir, 'prog.c');
    writeFileSync(src, GCC_SOURCE);
    const cflags = ['-O2', '-Wall', '-c', 'prog.c'];
    const refObject = glibcReference(gcc!, [GCC_SOURCE, ...cflags], () => {
      underGlibc(gcc!, { args: [...cflags, '-o', 'ref.o'], cwd: dir });
      return readFileSync(join(dir, 'ref.o')).toString('base64');
    });
    const compile = underHakmem(gcc!, { args: [...cflags, '-o', 'hk.o'], cwd: dir });
    // The driver's children (cc1, as) inherit LD_PRELOAD and report too.
    expect(compile.report.length, describeRun(compile)).toBeGreaterThanOrEqual(3);
    expect(
      compile.report.every((l) => l.chunks > 0),
      describeRun(compile),
    ).toBe(true);
    const ref = Buffer.from(refObject, 'base64');
    const got = readFileSync(join(dir, 'hk.o'));
    expect(got.length).toBeGreaterThan(0);
    expect(got.equals(ref), 'gcc under hakmem produced different object code').toBe(true);
    underHakmem(gcc!, { args: ['-O2', 'prog.c', '-o', 'prog'], cwd: dir });
    const out = run(join(dir, 'prog'), { cwd: dir });
    expect(out.status, describeRun(out)).toBe(0);
    const outHk = underHakmem(join(dir, 'prog'), { cwd: dir });
    expect(out.stdout).toMatch(/^entries=50000 total=\d+ min=\d+ max=\d+ fib=196418\n$/);
    expect(outHk.stdout).toBe(out.stdout);
  });
});
