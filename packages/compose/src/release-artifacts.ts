// `pnpm release:artifacts`: the C user's release files, built from what `hakmem build --install`
// and `hakmem export` already write: every variant installed into a staging /usr (DESTDIR), then
// (a) hakmem-<version>-linux-<arch>-<libc>.tar.gz, relocatable (the .pc files find their prefix
// through ${pcfiledir}, the CMake package through its own location), with the one-file sources;
// (b) libhakmem0 and libhakmem-dev .debs (dpkg-deb), where dpkg is present.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BuildResult, buildVariant } from './build.js';
import { which } from './compile.js';
import { exportVariant } from './export.js';
import { installVariant, majorOf } from './install.js';
import { hakmemVersion, type LoadedConfig } from './validate.js';

export interface ReleaseOptions {
  /** Where the artifacts go (made if missing). */
  readonly outDir: string;
  /** Variants to ship; default: every variant of the config. */
  readonly variants?: readonly string[];
  /** Build the .debs; default: when dpkg-deb is on PATH. */
  readonly debs?: boolean;
}

export interface ReleaseResult {
  readonly tarball: string;
  /** [libhakmem0, libhakmem-dev] or empty. */
  readonly debs: readonly string[];
}

const ARCH: Readonly<Record<string, string>> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', riscv64: 'riscv64' };
export const releaseArch = (): string => ARCH[process.arch] ?? process.arch;

/** glibc's Node reports the C library's version; musl's does not. */
export const releaseLibc = (): string =>
  (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime
    ? 'glibc'
    : 'musl';

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' }).trim();

/** A copy of the staged /usr tree rooted wherever it is unpacked: .pc prefix from its own place. */
function relocatePc(root: string): void {
  const dir = join(root, 'lib', 'pkgconfig');
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: pkg-config expands its own ${pcfiledir}
    writeFileSync(p, readFileSync(p, 'utf8').replace(/^prefix=.*$/m, 'prefix=${pcfiledir}/../..'));
  }
}

function control(fields: Record<string, string>): string {
  return `${Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\n`;
}

/** Debian's multiarch directory (lib/x86_64-linux-gnu), so the packages are Multi-Arch: same:
 * dpkg-architecture's (dpkg-dev), else the compiler's. */
export function multiarchLibdir(): string {
  const cc = process.env.CC?.split(' ')[0] || 'cc';
  const triplet = which('dpkg-architecture')
    ? sh('dpkg-architecture', ['-qDEB_HOST_MULTIARCH'])
    : sh(cc, ['-print-multiarch']);
  return `lib/${triplet}`;
}

/** Runtime (the SONAME files) in libhakmem0, everything else in libhakmem-dev; `usr`: the staged
 * /usr, its libraries in `libdir`. */
function buildDebs(usr: string, libdir: string, version: string, work: string, outDir: string): string[] {
  const arch = sh('dpkg', ['--print-architecture']);
  const runtime = new RegExp(`\\.so\\.${majorOf(version)}$`);
  const common = {
    Version: version,
    Architecture: arch,
    // Debian's own variables name the packager; the fallback is a placeholder address
    Maintainer: `${process.env.DEBFULLNAME ?? 'hakmem maintainers'} <${process.env.DEBEMAIL ?? 'hakmem@users.noreply.github.com'}>`,
    'Multi-Arch': 'same',
    Priority: 'optional',
    Homepage: 'https://github.com/hakmem/hakmem',
  };
  const pkgs = [
    {
      name: `libhakmem${majorOf(version)}`,
      runtime: true,
      keep: (f: string) => runtime.test(f), // in lib/: the SONAME files only
      fields: { Section: 'libs', Depends: 'libc6' },
      desc: 'hakmem malloc replacement, shared libraries\n hakmem, a modular malloc: libhakmem-<variant>.so per variant, LD_PRELOAD-able.',
    },
    {
      name: 'libhakmem-dev',
      runtime: false,
      keep: (f: string) => !runtime.test(f), // in lib/: all but the SONAME files
      fields: { Section: 'libdevel', Depends: `libhakmem${majorOf(version)} (= ${version})` },
      desc: 'hakmem malloc replacement, development files\n Header, static archives, pkg-config files and the CMake package of hakmem.',
    },
  ];
  return pkgs.map((p) => {
    const root = join(work, p.name);
    const lib = join(root, 'usr', libdir);
    cpSync(p.runtime ? join(usr, libdir) : usr, p.runtime ? lib : join(root, 'usr'), {
      recursive: true,
      verbatimSymlinks: true,
    });
    for (const f of readdirSync(lib)) if (!p.keep(f)) rmSync(join(lib, f), { recursive: true });
    mkdirSync(join(root, 'DEBIAN'));
    const [summary, long] = p.desc.split('\n') as [string, string];
    writeFileSync(
      join(root, 'DEBIAN', 'control'),
      control({ Package: p.name, ...common, ...p.fields, Description: `${summary}\n${long}` }),
    );
    // the ldconfig trigger refreshes the cache for the SONAME links, no maintainer scripts
    if (p.runtime) writeFileSync(join(root, 'DEBIAN', 'triggers'), 'activate-noawait ldconfig\n');
    const deb = join(outDir, `${p.name}_${version}_${arch}.deb`);
    sh('dpkg-deb', ['--build', '--root-owner-group', root, deb]);
    return deb;
  });
}

export async function releaseArtifacts(config: LoadedConfig, opts: ReleaseOptions): Promise<ReleaseResult> {
  const version = hakmemVersion();
  const names = opts.variants ?? Object.keys(config.variants);
  const outDir = resolve(opts.outDir);
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'hakmem-release-'));
  try {
    const top = `hakmem-${version}`;
    const tree = join(work, 'tar', top);
    const builds: { n: string; built: BuildResult }[] = [];
    for (const n of names) {
      builds.push({ n, built: await buildVariant(config, n) });
      exportVariant(config, n, join(tree, 'src'));
    }
    /** Installs every variant under DESTDIR=dest, prefix /usr; returns the staged /usr. */
    const stage = async (dest: string, libdir?: string): Promise<string> => {
      for (const { n, built } of builds)
        await installVariant(config, n, built, { prefix: '/usr', destdir: dest, libdir });
      return join(dest, 'usr');
    };
    cpSync(await stage(join(work, 'stage')), tree, { recursive: true, verbatimSymlinks: true });
    relocatePc(tree);
    const tarball = join(outDir, `${top}-linux-${releaseArch()}-${releaseLibc()}.tar.gz`);
    sh('tar', ['-czf', tarball, '--owner=0', '--group=0', '-C', join(work, 'tar'), top]);
    if (!(opts.debs ?? which('dpkg-deb') !== undefined)) return { tarball, debs: [] };
    // the .debs' own staging: the same builds, the libraries in the multiarch directory
    const libdir = multiarchLibdir();
    const usr = await stage(join(work, 'deb-stage'), libdir);
    return { tarball, debs: buildDebs(usr, libdir, version, join(work, 'deb'), outDir) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
