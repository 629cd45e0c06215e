// Writes the fuzzer's seed corpus (native/fuzz/corpus/) from readable op lists, so every seed
// can be re-made and reviewed. The encoding is hk_fuzz.c's: [op][slot] then the op's operands.
// Run: node native/fuzz/make-corpus.mjs
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
const OP = {
  malloc: 0,
  calloc: 3,
  realloc: 4,
  free: 6,
  memalign: 8,
  valloc: 9,
  xfree: 10,
  xalloc: 12,
  xexit: 13,
  freeSized: 14,
  xrealloc: 15,
  reallocarray: 16,
  refuse: 17,
};

/** Three bytes that hk_fuzz.c's decode_size turns into n. */
function size(n) {
  const le = (v) => [v & 0xff, (v >> 8) & 0xff];
  if (n <= 1024) return [0, ...le(n)];
  if (n <= 8192) return [7, ...le(n)];
  if (n <= 262144) return [10, ...le(Math.floor((n - 8193) / 4))];
  return [12, ...le(Math.min(0xffff, (n - 262145) >> 5))];
}
const alignByte = (a) => Math.log2(a) - 3; // 8 B -> 0 ... 2 MiB -> 18

const ops = {
  malloc: (s, n) => [OP.malloc, s, ...size(n)],
  calloc: (s, n, cnt) => [OP.calloc, s, ...size(n), cnt],
  realloc: (s, n) => [OP.realloc, s, ...size(n)],
  free: (s) => [OP.free, s],
  memalign: (s, a, n, how) => [OP.memalign, s, alignByte(a), ...size(n), how],
  valloc: (s, n, pv) => [OP.valloc, s, ...size(n), pv],
  xfree: (s) => [OP.xfree, s],
  xalloc: (s, n) => [OP.xalloc, s, ...size(n)],
  xexit: () => [OP.xexit, 0],
  freeSized: (s) => [OP.freeSized, s],
  xrealloc: (s, n) => [OP.xrealloc, s, ...size(n)],
  reallocarray: (s, n, m) => [OP.reallocarray, s, ...size(n), m - 1],
  refuse: (which, s) => [OP.refuse, 0, which, s],
};

const seeds = {};
const classSizes = [
  16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048,
  2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192, 10240, 16384, 65536, 131072, 262144,
];

seeds['malloc-every-class'] = classSizes.flatMap((n, i) => [
  ...ops.malloc(i % 64, n),
  ...ops.malloc((i + 40) % 64, n + 1),
]);
seeds['malloc-free-lifo'] = Array.from({ length: 40 }, (_, i) => ops.malloc(i, 48))
  .flat()
  .concat(Array.from({ length: 40 }, (_, i) => ops.free(39 - i)).flat())
  .concat(Array.from({ length: 40 }, (_, i) => ops.malloc(i, 48)).flat());
seeds['calloc'] = [1, 17, 100, 1000, 5000, 20000, 300000, 0].flatMap((n, i) => ops.calloc(i, n, (i % 7) + 1));
seeds['realloc-chain'] = [16, 64, 1024, 8192, 100000, 300000, 2000000, 300000, 8192, 100, 1, 0, 40]
  .flatMap((n) => ops.realloc(0, n))
  .concat(ops.realloc(1, 5000), ops.realloc(1, 5001), ops.realloc(1, 2600));
seeds['aligned'] = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 65536, 1 << 20, 1 << 21].flatMap((a, i) => [
  ...ops.memalign(i, a, 100, 0),
  ...ops.memalign(i + 20, a, a, 1),
  ...ops.memalign(i + 40, a, 3 * a + 7, 2),
]);
seeds['valloc'] = [0, 1, 4096, 4097, 70000].flatMap((n, i) => [...ops.valloc(i, n, 0), ...ops.valloc(i + 10, n, 1)]);
seeds['cross-thread-free'] = Array.from({ length: 30 }, (_, i) => ops.malloc(i, 24 + i * 100))
  .flat()
  .concat(Array.from({ length: 30 }, (_, i) => ops.xfree(i)).flat());
seeds['cross-thread-alloc'] = Array.from({ length: 30 }, (_, i) => ops.xalloc(i, 24 + i * 300))
  .flat()
  .concat(
    ops.xexit(),
    Array.from({ length: 30 }, (_, i) => ops.free(i)).flat(),
    Array.from({ length: 10 }, (_, i) => ops.xalloc(i, 64)).flat(),
  );
seeds['thread-exit-orphans'] = [0, 1, 2, 3].flatMap((r) => [
  ...Array.from({ length: 12 }, (_, i) => ops.xalloc(r * 12 + i, 32 + 500 * i)).flat(),
  ...ops.xexit(),
  ...Array.from({ length: 6 }, (_, i) => ops.free(r * 12 + i)).flat(),
  ...Array.from({ length: 6 }, (_, i) => ops.xfree(r * 12 + 6 + i)).flat(),
]);
seeds['cross-thread-realloc'] = [
  ...ops.malloc(0, 100),
  ...ops.xrealloc(0, 5000),
  ...ops.xrealloc(0, 300000),
  ...ops.realloc(0, 50),
  ...ops.xalloc(1, 700),
  ...ops.realloc(1, 9000),
  ...ops.xrealloc(2, 10),
  ...ops.xrealloc(2, 0),
];
seeds['free-sized'] = [
  ...ops.malloc(0, 100),
  ...ops.memalign(1, 4096, 5000, 0),
  ...ops.malloc(2, 500000),
  ...ops.freeSized(0),
  ...ops.freeSized(1),
  ...ops.freeSized(2),
];
seeds['reallocarray'] = [
  ...ops.malloc(0, 64),
  ...ops.reallocarray(0, 4000, 4),
  ...ops.reallocarray(0, 100, 2),
  ...ops.reallocarray(0, 300000, 3),
  ...ops.reallocarray(0, 0, 1),
];
seeds['refusals'] = [
  ...ops.malloc(5, 100),
  ...ops.malloc(6, 400000),
  ...Array.from({ length: 16 }, (_, i) => ops.refuse(i, i % 2 ? 5 : 6)).flat(),
];
seeds['large-cache'] = [300000, 600000, 1200000, 2100000].flatMap((n, i) => [
  ...ops.malloc(i, n),
  ...ops.free(i),
  ...ops.malloc(i + 8, n - 4096),
  ...ops.malloc(i + 16, n * 2),
]);
seeds['whole-chunk-slabs'] = Array.from({ length: 50 }, (_, i) => ops.malloc(i, 10000 + i * 4000))
  .flat()
  .concat(Array.from({ length: 50 }, (_, i) => (i % 2 ? ops.free(i) : ops.xfree(i))).flat());

// Deterministic noise, to start the mutator off everywhere.
let x = 0x2545f491n;
const rnd = () => {
  x ^= x << 13n;
  x &= 0xffffffffn;
  x ^= x >> 17n;
  x ^= x << 5n;
  x &= 0xffffffffn;
  return Number(x & 0xffn);
};
for (let k = 0; k < 6; k++) seeds[`noise-${k}`] = Array.from({ length: 600 }, rnd);

mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) rmSync(join(dir, f));
for (const [name, bytes] of Object.entries(seeds)) writeFileSync(join(dir, name), Buffer.from(bytes));
console.log(`wrote ${Object.keys(seeds).length} seeds to ${dir}`);
