import type { ResolvedVariant } from './validate.js';

/** dist/<variant>/hakmem.pc for pkg-config: the prefix is the folder the file is in
 * (`${pcfiledir}`, which pkg-config and pkgconf set), so dist/<variant> works wherever it is
 * copied and the file names no build-machine path. */
export function pkgConfig(v: ResolvedVariant): string {
  const desc = `hakmem allocator, variant ${v.name}${v.description ? `: ${v.description}` : ''}`.replace(/\s+/g, ' ');
  return [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: pkg-config sets pcfiledir itself
    'prefix=${pcfiledir}',
    '',
    'Name: hakmem',
    `Description: ${desc}`,
    `Version: ${v.version}`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: pkg-config expands its own ${prefix}
    'Cflags: -I${prefix}/include',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: pkg-config expands its own ${prefix}
    'Libs: -L${prefix} -lhakmem -lpthread',
    '',
  ].join('\n');
}

/** lib/pkgconfig/<pcName>.pc of an installed variant: paths from `prefix=` (the install prefix,
 * without DESTDIR), so a packager can move the tree by editing one line; `lib`: the -l name;
 * `libdir`: relative to prefix. */
export function installedPkgConfig(v: ResolvedVariant, prefix: string, lib: string, libdir = 'lib'): string {
  const desc = `hakmem allocator, variant ${v.name}${v.description ? `: ${v.description}` : ''}`.replace(/\s+/g, ' ');
  return [
    `prefix=${prefix}`,
    `libdir=\${prefix}/${libdir}`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: pkg-config expands its own ${prefix}
    'includedir=${prefix}/include',
    '',
    `Name: ${lib}`,
    `Description: ${desc}`,
    `Version: ${v.version}`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: pkg-config expands its own ${includedir}
    'Cflags: -I${includedir}',
    `Libs: -L\${libdir} -l${lib} -lpthread`,
    '',
  ].join('\n');
}
