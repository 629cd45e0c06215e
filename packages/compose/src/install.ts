import { copyFileSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { BuildResult } from './build.js';
import {
  CMAKE_CONFIG,
  CMAKE_VERSION,
  cmakeConfig,
  cmakeDirOf,
  cmakeConfigVersion,
  cmakeVariant,
  cmakeVariantFile,
} from './cmake-package.js';
import { findToolchain, runCommand, sharedLibCommand } from './compile.js';
import { HakmemError } from './errors.js';
import { installedPkgConfig } from './pkgconfig.js';
import { getVariant, type LoadedConfig } from './validate.js';

export const DEFAULT_PREFIX = '/usr/local';

export interface InstallOptions {
  /** The prefix the files will live under (written into the .pc files). */
  readonly prefix: string;
  /** Staging root put in front of prefix (packagers' DESTDIR); default: env.DESTDIR. */
  readonly destdir?: string;
  /** Libraries' directory relative to prefix: lib (default), or a Debian multiarch lib/<triplet>. */
  readonly libdir?: string;
  /** CC, LDFLAGS, PATH, DESTDIR. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface InstallResult {
  /** DESTDIR + prefix: where the files were written. */
  readonly root: string;
  /** What was written, relative to root, symlinks included. */
  readonly files: readonly string[];
}

/** The SONAME's major: the version's first number (0.1.0 -> 0). */
export const majorOf = (version: string): string => /^(\d+)/.exec(version)?.[1] ?? '0';

/** A symlink at `path` to `target` (relative, so the tree can move), replacing what was there. */
function link(target: string, path: string): void {
  rmSync(path, { force: true });
  symlinkSync(target, path);
}

/**
 * Installs a built variant (`built`: buildVariant's result; its object is relinked with the
 * versioned SONAME) under DESTDIR/prefix (lib/ below: opts.libdir): lib/libhakmem-<v>.so.<major>
 * and its dev symlink, lib/libhakmem-<v>.a, include/hakmem.h, lib/pkgconfig/hakmem-<v>.pc, the
 * CMake package; the variant named default also as libhakmem.so(.<major>), libhakmem.a and hakmem.pc.
 */
export async function installVariant(
  config: LoadedConfig,
  name: string,
  built: BuildResult,
  opts: InstallOptions,
): Promise<InstallResult> {
  const v = getVariant(config, name);
  const env = opts.env ?? process.env;
  if (!isAbsolute(opts.prefix)) throw new HakmemError(`--prefix must be an absolute path, not '${opts.prefix}'`);
  const prefix = resolve(opts.prefix);
  const destdir = opts.destdir ?? env.DESTDIR;
  const root = destdir ? join(resolve(destdir), prefix) : prefix;
  const libRel = opts.libdir ?? 'lib';
  const lib = join(root, libRel);
  const cmakeDir = cmakeDirOf(libRel);
  for (const d of ['include', `${libRel}/pkgconfig`, cmakeDir]) mkdirSync(join(root, d), { recursive: true });

  const files: string[] = [];
  const write = (rel: string, text: string) => {
    writeFileSync(join(root, rel), text);
    files.push(rel);
  };
  const ln = (target: string, rel: string) => {
    link(target, join(root, rel));
    files.push(rel);
  };

  const soname = `libhakmem-${name}.so.${majorOf(v.version)}`;
  const tmp = join(lib, `.${soname}.tmp-${process.pid}`);
  try {
    await runCommand(sharedLibCommand(findToolchain(env), join(built.buildDir, 'hakmem.o'), tmp, soname));
    renameSync(tmp, join(lib, soname)); // a running program keeps the old inode
  } finally {
    rmSync(tmp, { force: true });
  }
  files.push(`${libRel}/${soname}`);
  ln(soname, `${libRel}/libhakmem-${name}.so`);
  copyFileSync(join(built.distDir, 'libhakmem.a'), join(lib, `libhakmem-${name}.a`));
  files.push(`${libRel}/libhakmem-${name}.a`);
  copyFileSync(join(built.distDir, 'include', 'hakmem.h'), join(root, 'include', 'hakmem.h'));
  files.push('include/hakmem.h');
  write(`${libRel}/pkgconfig/hakmem-${name}.pc`, installedPkgConfig(v, prefix, `hakmem-${name}`, libRel));
  if (name === 'default') {
    ln(soname, `${libRel}/libhakmem.so.${majorOf(v.version)}`);
    ln(soname, `${libRel}/libhakmem.so`);
    ln(`libhakmem-${name}.a`, `${libRel}/libhakmem.a`);
    write(`${libRel}/pkgconfig/hakmem.pc`, installedPkgConfig(v, prefix, 'hakmem', libRel));
  }
  write(`${cmakeDir}/${CMAKE_CONFIG}`, cmakeConfig(libRel));
  write(`${cmakeDir}/${CMAKE_VERSION}`, cmakeConfigVersion(v.version));
  write(`${cmakeDir}/${cmakeVariantFile(name)}`, cmakeVariant(name, soname, libRel));
  return { root, files };
}
