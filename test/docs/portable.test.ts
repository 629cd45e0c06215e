// No x86-only (or any architecture's) instruction outside one core header: the C sources build
// for aarch64 and anything else GNU C targets. An instruction (an asm statement with a
// non-empty template, an x86 intrinsic or its header) may appear only in native/base/hk_os.h,
// inside an `#if` on the architecture whose group ends with an `#else` fallback (hk_os_ticks:
// rdtsc, cntvct_el0, else clock_gettime; hk_cpu_relax: pause, yield, else a compiler barrier). An empty asm template is a compiler barrier and
// portable. packages/compose/test/platforms.native.test.ts builds and runs them on aarch64.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ARCH_HEADER = 'native/base/hk_os.h';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    if (f === 'node_modules' || f === 'dist' || f.startsWith('.')) return [];
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.(c|h|cc|cpp|hpp)$/.test(f) ? [p] : [];
  });
}

const X86 = [
  /\b__builtin_ia32_\w+/,
  /\b_mm(256|512)?_\w+\s*\(/,
  /\b__rdtscp?\b/,
  /#\s*include\s*<(x86|imm|emm|pmm|smm|nmm|tmm|wmm|xmm|amm|ia32)intrin\.h>/,
  /#\s*include\s*<cpuid\.h>/,
];
const ASM = /\b(?:__asm__|__asm|asm)\b\s*(?:volatile|__volatile__|goto|inline|\s)*\(\s*"([^"]*)"/;
const ARCH_MACRO = /__x86_64__|__i386__|__aarch64__|__arm__|__riscv|__powerpc|__s390/;

/** The architecture-specific lines of `text`: each with whether it sits in an `#if`/`#elif` on
 * the architecture whose group has an `#else`. */
function archLines(text: string): { line: number; text: string; guarded: boolean }[] {
  const lines = text.split('\n');
  // each open #if group: the condition of the branch we are in, and where the group started
  const stack: { cond: string; hasElse: boolean; start: number }[] = [];
  const groups = new Map<number, boolean>(); // group start line -> has #else
  const found: { line: number; text: string; cond: string; start: number }[] = [];
  lines.forEach((l, i) => {
    const d = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/.exec(l);
    if (d) {
      const [, kw, rest = ''] = d;
      if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') stack.push({ cond: rest, hasElse: false, start: i });
      else if (kw === 'elif' && stack.length) stack[stack.length - 1]!.cond = rest;
      else if (kw === 'else' && stack.length) Object.assign(stack[stack.length - 1]!, { cond: '', hasElse: true });
      else if (kw === 'endif') {
        const g = stack.pop();
        if (g) groups.set(g.start, g.hasElse);
      }
      return;
    }
    const code = l.replace(/\/\*.*?\*\/|\/\/.*$/g, '');
    const asm = ASM.exec(code);
    if ((asm && asm[1]!.trim() !== '') || X86.some((re) => re.test(code))) {
      const top = stack[stack.length - 1];
      found.push({ line: i + 1, text: l.trim(), cond: top?.cond ?? '', start: top?.start ?? -1 });
    }
  });
  return found.map((f) => ({
    line: f.line,
    text: f.text,
    guarded: ARCH_MACRO.test(f.cond) && groups.get(f.start) === true,
  }));
}

describe('no architecture-specific instruction outside an #if with a portable fallback', () => {
  const files = [join(root, 'native'), ...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p))]
    .flatMap((d) => sources(d))
    .map((f) => relative(root, f));

  it('reads the C sources', () => {
    expect(files).toContain(ARCH_HEADER);
    expect(files).toContain('native/core/hk_core.c');
    expect(files.length).toBeGreaterThan(50);
  });

  it(`only ${ARCH_HEADER} holds instructions, each under an architecture #if with an #else`, () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const a of archLines(readFileSync(join(root, f), 'utf8'))) {
        if (f !== ARCH_HEADER) bad.push(`${f}:${a.line}: ${a.text} (only ${ARCH_HEADER} may hold instructions)`);
        else if (!a.guarded) bad.push(`${f}:${a.line}: ${a.text} (not under an architecture #if with an #else)`);
      }
    }
    expect(bad).toEqual([]);
    expect(archLines(readFileSync(join(root, ARCH_HEADER), 'utf8')).map((a) => a.text)).toEqual([
      '__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));',
      '__asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));',
      '__asm__ volatile("pause");',
      '__asm__ volatile("yield");',
    ]);
  });

  it('the scanner finds what it must', () => {
    const flagged = (src: string) => archLines(src).map((a) => [a.text, a.guarded]);
    expect(flagged('static void f(void) { __builtin_ia32_pause(); }')).toEqual([
      ['static void f(void) { __builtin_ia32_pause(); }', false],
    ]);
    expect(flagged('  __asm__ __volatile__("pause");\n  _mm_pause();\n#include <immintrin.h>')).toHaveLength(3);
    expect(flagged('#if defined(__x86_64__)\n  __asm__ volatile("pause");\n#endif')).toEqual([
      ['__asm__ volatile("pause");', false],
    ]);
    expect(flagged('#if defined(__x86_64__)\n  asm volatile("pause");\n#else\n  (void)0;\n#endif')).toEqual([
      ['asm volatile("pause");', true],
    ]);
    expect(flagged('__asm__ volatile("" : : "r"(p) : "memory"); /* rdtsc */')).toEqual([]);
  });
});
