// The one-file export's include inliner: what it inlines, once or again, and how it fails.
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { amalgamate, HakmemBuildError, isGuarded } from './internal.js';
import { tempDir } from './helpers.js';

function tree(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const t = tempDir('amalgamate');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(t.dir, rel, '..'), { recursive: true });
    writeFileSync(join(t.dir, rel), text);
  }
  return t;
}

const guard = (name: string, body: string) => `/* ${name} */\n#ifndef ${name}\n#define ${name}\n${body}\n#endif\n`;

describe('amalgamate', () => {
  it('knows an include guard and #pragma once, and not an #ifndef that guards a part', () => {
    expect(isGuarded(guard('A_H', 'int a;'))).toBe(true);
    expect(isGuarded('#pragma once\nint a;\n')).toBe(true);
    expect(isGuarded('#ifndef X\n#define X 1\n#endif\nint a;\n')).toBe(false);
    expect(isGuarded('int a;\n')).toBe(false);
  });

  it('inlines quoted includes from the file’s folder, then the include dirs; keeps <...>', () => {
    const t = tree({
      'main.c': '#include <stdio.h>\n#include "a.h"\n#include "lib.h"\nint main(void) { return a + b; }\n',
      'a.h': guard('A_H', 'static int a = 1;'),
      'inc/lib.h': guard('LIB_H', '#include "a.h"\nstatic int b = 2;'),
    });
    try {
      // lib.h finds a.h through the include dirs, as gcc would with -I inc -I .
      const out = amalgamate(join(t.dir, 'main.c'), { includeDirs: [join(t.dir, 'inc'), t.dir], label: basename });
      expect(out).toContain('#include <stdio.h>');
      expect(out).not.toContain('#include "');
      // a.h once: lib.h's inclusion of it is skipped, its line kept blank
      expect(out.match(/static int a = 1;/g)).toHaveLength(1);
      expect(out).toContain('#line 1 "lib.h"');
      expect(out).toContain('#line 4 "main.c"\nint main');
    } finally {
      t.cleanup();
    }
  });

  it('inlines a guarded file again when its first inclusion sat inside an #if', () => {
    const t = tree({
      'main.c': '#if 0\n#include "a.h"\n#endif\n#include "a.h"\n',
      'a.h': guard('A_H', 'static int a = 1;'),
      'u.c': '#include "v.c"\n',
      'v.c': '#include "u.c"\n',
    });
    try {
      const out = amalgamate(join(t.dir, 'main.c'), { includeDirs: [], label: basename });
      expect(out.match(/static int a = 1;/g)).toHaveLength(2);
      expect(() => amalgamate(join(t.dir, 'u.c'), { includeDirs: [], label: basename })).toThrow(/include cycle/);
      writeFileSync(join(t.dir, 'm.c'), '\n#include "nope.h"\n');
      expect(() => amalgamate(join(t.dir, 'm.c'), { includeDirs: [], label: basename })).toThrow(HakmemBuildError);
      expect(() => amalgamate(join(t.dir, 'm.c'), { includeDirs: [], label: basename })).toThrow(
        'm.c:2: "nope.h" not found',
      );
    } finally {
      t.cleanup();
    }
  });
});
