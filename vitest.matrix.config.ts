import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import native from './native/vitest.config.ts';
import base from './vitest.config.ts';
import { boxCover, listVariants } from './packages/test-utils/src/cover.ts';

// Everything `pnpm test` runs in one vitest process, so the slow files of every project share
// the machine's cores instead of waiting for each other: the projects of vitest.config.ts
// (`native` on the default variant) plus `native:<variant>`, the native suite bound to each
// other variant of hakmem.config.ts through HAKMEM_TEST_VARIANT (native/test/helpers.ts).
//
// What a box decides, not a tunable, runs once per box: on the variants of the box cover
// (packages/test-utils/src/cover.ts: `default` first, then greedily the variant that brings the
// most (slot, box) pairs no variant chosen before brings). The stress files (threads, sanitizers,
// fuzz) run there only; the other files run on every variant and see the cover as
// HK_TEST_COVER (0 off it), which leaves out the linked runs of api.c and cxx.cc, the static
// link of api.c and fork_exit.c (native/test/helpers.ts inBoxCover). Today the cover leaves out
// `secure` (paranoid has its block and front boxes), `hugepage` (asan has its purge box),
// `profiling` and `python-records` (the default's boxes).
const root = import.meta.dirname;
const BOX_FILES = ['**/threads.test.ts', '**/sanitizers.test.ts', '**/fuzz.test.ts'];

const variants = listVariants();
const cover = boxCover(variants);

export default defineConfig({
  test: {
    ...base.test,
    projects: [
      ...(base.test?.projects ?? []),
      ...variants
        .filter((v) => v.name !== 'default')
        .map((v) => ({
          root: join(root, 'native'),
          test: {
            ...native.test, // the `native` project's files, timeouts and pool, bound to v
            name: `native:${v.name}`,
            exclude: [...configDefaults.exclude, ...(cover.has(v.name) ? [] : BOX_FILES)],
            env: { HAKMEM_TEST_VARIANT: v.name, HK_TEST_COVER: cover.has(v.name) ? '1' : '0' },
          },
        })),
    ],
  },
});
