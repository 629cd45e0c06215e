import type { ResolvedVariant } from './validate.js';

/** hakmem.pc for pkg-config; prefix is the absolute dist/<variant> directory. */
export function pkgConfig(v: ResolvedVariant, prefix: string): string {
  const desc = `hakmem allocator, variant ${v.name}${v.description ? `: ${v.description}` : ''}`.replace(/\s+/g, ' ');
  return [
    `prefix=${prefix}`,
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
