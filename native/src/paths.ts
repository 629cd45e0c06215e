import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The @hakmem/native package directory (this module lives in its dist/ or src/). */
export const nativeRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Public headers: hakmem.h and hakmem/hk_<slot>.h. */
export const includeDir: string = join(nativeRoot, 'include');
/** What every C file includes, boxes and core alike: hk_prelude.h (base macros, size classes,
 * OS layer, shapes) and hk_services.h (the core services a box may call). A box compiles
 * against this and includeDir alone. */
export const baseDir: string = join(nativeRoot, 'base');
/** The core's own sources (hk_core.c and what it includes): compiled into the unit after the
 * boxes; no box includes them. */
export const coreDir: string = join(nativeRoot, 'core');
/** The Node addon glue. */
export const addonSource: string = join(nativeRoot, 'addon', 'hk_addon.cc');
/** The public header copied into every variant's dist/<v>/include/. */
export const publicHeader: string = join(includeDir, 'hakmem.h');
