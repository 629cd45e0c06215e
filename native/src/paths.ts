import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The @hakmem/native package directory (this module lives in its dist/ or src/). */
export const nativeRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Public headers: hakmem.h and hakmem/hk_<slot>.h. */
export const includeDir: string = join(nativeRoot, 'include');
/** Core sources: hk_prelude.h, hk_core.c. */
export const coreDir: string = join(nativeRoot, 'core');
/** The Node addon glue. */
export const addonSource: string = join(nativeRoot, 'addon', 'hk_addon.cc');
/** The public header copied into every variant's dist/<v>/include/. */
export const publicHeader: string = join(includeDir, 'hakmem.h');
