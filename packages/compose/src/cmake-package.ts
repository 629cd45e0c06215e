// The CMake package of an install prefix, lib/cmake/hakmem/: find_package(hakmem) loads
// hakmem-config.cmake, which includes one hakmem-variant-<v>.cmake per installed variant, so
// installing another variant adds its targets without rewriting the others'. Every path is
// computed from the config file's own location, so the prefix can move.

/** The package's directory under a libdir (lib, or a Debian multiarch lib/<triplet>). */
export const cmakeDirOf = (libdir = 'lib'): string => `${libdir}/cmake/hakmem`;
export const CMAKE_CONFIG = 'hakmem-config.cmake';
export const CMAKE_VERSION = 'hakmem-config-version.cmake';
export const cmakeVariantFile = (variant: string): string => `hakmem-variant-${variant}.cmake`;

export function cmakeConfig(libdir = 'lib'): string {
  // up from <libdir>/cmake/hakmem to the prefix
  const up = ['..', '..', ...libdir.split('/').map(() => '..')].join('/');
  return `# hakmem's CMake package, written by \`hakmem build <variant> --install\`. Imported targets:
#   hakmem::hakmem-<variant>, hakmem::hakmem-<variant>-static   for every installed variant
#   hakmem::hakmem, hakmem::hakmem-static                       the default variant
get_filename_component(_hakmem_prefix "\${CMAKE_CURRENT_LIST_DIR}/${up}" ABSOLUTE)
file(GLOB _hakmem_variant_files "\${CMAKE_CURRENT_LIST_DIR}/hakmem-variant-*.cmake")
foreach(_hakmem_file IN LISTS _hakmem_variant_files)
  include("\${_hakmem_file}")
endforeach()
unset(_hakmem_file)
unset(_hakmem_variant_files)
unset(_hakmem_prefix)
`;
}

/** Same major version: compatible (0.x as a whole, as the SONAME's major says). */
export function cmakeConfigVersion(version: string): string {
  const major = version.split('.')[0];
  return `# hakmem's CMake package version, written by \`hakmem build <variant> --install\`.
set(PACKAGE_VERSION "${version}")
if(NOT PACKAGE_FIND_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
elseif(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION OR NOT PACKAGE_FIND_VERSION_MAJOR STREQUAL "${major}")
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
`;
}

/** The imported targets of one variant (`soname`: its shared library's file in lib/), and for
 * the default variant the plain hakmem::hakmem and hakmem::hakmem-static too. */
export function cmakeVariant(variant: string, soname: string, libdir = 'lib'): string {
  const targets = (name: string): string => `if(NOT TARGET hakmem::${name})
  add_library(hakmem::${name} SHARED IMPORTED)
  set_target_properties(hakmem::${name} PROPERTIES
    IMPORTED_LOCATION "\${_hakmem_prefix}/${libdir}/${soname}"
    IMPORTED_SONAME "${soname}"
    INTERFACE_INCLUDE_DIRECTORIES "\${_hakmem_prefix}/include")
endif()
if(NOT TARGET hakmem::${name}-static)
  add_library(hakmem::${name}-static STATIC IMPORTED)
  set_target_properties(hakmem::${name}-static PROPERTIES
    IMPORTED_LOCATION "\${_hakmem_prefix}/${libdir}/libhakmem-${variant}.a"
    IMPORTED_LINK_INTERFACE_LANGUAGES "C"
    INTERFACE_INCLUDE_DIRECTORIES "\${_hakmem_prefix}/include"
    INTERFACE_LINK_LIBRARIES "pthread")
endif()
`;
  return [
    `# hakmem variant ${variant}, written by \`hakmem build ${variant} --install\`; included by ${CMAKE_CONFIG}.`,
    targets(`hakmem-${variant}`),
    ...(variant === 'default' ? [targets('hakmem')] : []),
  ].join('\n');
}
