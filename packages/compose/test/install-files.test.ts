// The text of what `hakmem build --install` writes: .pc files and the CMake package.
import { describe, expect, it } from 'vitest';
import {
  cmakeConfig,
  cmakeConfigVersion,
  cmakeVariant,
  installedPkgConfig,
  majorOf,
  resolveVariantInput,
} from './internal.js';
import { slots, variant } from './helpers.js';

describe('install files', () => {
  it('takes the SONAME major from the version', () => {
    expect(majorOf('0.1.0')).toBe('0');
    expect(majorOf('12.3.4-rc.1')).toBe('12');
  });

  it('a variant .pc: prefix once, libdir and includedir from it, -l of the variant', () => {
    const v = resolveVariantInput(slots, 'lean', variant({ description: 'small\nand lean' }));
    const pc = installedPkgConfig(v, '/opt/hk', 'hakmem-lean');
    expect(pc).toMatch(/^prefix=\/opt\/hk\nlibdir=\$\{prefix\}\/lib\nincludedir=\$\{prefix\}\/include\n/);
    expect(pc.match(/\/opt\/hk/g)).toHaveLength(1);
    expect(pc).toContain('Description: hakmem allocator, variant lean: small and lean\n');
    expect(pc).toContain(`Libs: -L\${libdir} -lhakmem-lean -lpthread\n`);
    expect(pc).toContain(`Cflags: -I\${includedir}\n`);
  });

  it('CMake: targets per variant, the plain ones for default only, paths from the file itself', () => {
    const lean = cmakeVariant('lean', 'libhakmem-lean.so.0');
    expect(lean).toContain('add_library(hakmem::hakmem-lean SHARED IMPORTED)');
    expect(lean).toContain('add_library(hakmem::hakmem-lean-static STATIC IMPORTED)');
    expect(lean).toContain(`"\${_hakmem_prefix}/lib/libhakmem-lean.so.0"`);
    expect(lean).not.toContain('hakmem::hakmem ');
    expect(lean).not.toContain('hakmem::hakmem-static');
    const def = cmakeVariant('default', 'libhakmem-default.so.0');
    expect(def).toContain('add_library(hakmem::hakmem SHARED IMPORTED)');
    expect(def).toContain('add_library(hakmem::hakmem-static STATIC IMPORTED)');
    expect(cmakeConfig()).toContain(
      `get_filename_component(_hakmem_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)`,
    );
    expect(cmakeConfig()).toContain('hakmem-variant-*.cmake');
    const version = cmakeConfigVersion('0.1.0');
    expect(version).toContain('set(PACKAGE_VERSION "0.1.0")');
    expect(version).toContain('NOT PACKAGE_FIND_VERSION_MAJOR STREQUAL "0"');
  });

  it('a multiarch libdir (Debian lib/<triplet>): the .pc, the CMake prefix and locations follow it', () => {
    const v = resolveVariantInput(slots, 'lean', variant({}));
    expect(installedPkgConfig(v, '/usr', 'hakmem', 'lib/x86_64-linux-gnu')).toMatch(
      /^prefix=\/usr\nlibdir=\$\{prefix\}\/lib\/x86_64-linux-gnu\nincludedir=\$\{prefix\}\/include\n/,
    );
    // lib/<triplet>/cmake/hakmem is four levels below the prefix
    expect(cmakeConfig('lib/x86_64-linux-gnu')).toContain(
      `get_filename_component(_hakmem_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../../.." ABSOLUTE)`,
    );
    const lean = cmakeVariant('lean', 'libhakmem-lean.so.0', 'lib/x86_64-linux-gnu');
    expect(lean).toContain(`"\${_hakmem_prefix}/lib/x86_64-linux-gnu/libhakmem-lean.so.0"`);
    expect(lean).toContain(`"\${_hakmem_prefix}/lib/x86_64-linux-gnu/libhakmem-lean.a"`);
    expect(lean).toContain(`"\${_hakmem_prefix}/include"`);
  });
});
