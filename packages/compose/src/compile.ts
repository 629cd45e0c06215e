import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, delimiter, join, resolve } from 'node:path';
import { runProcess } from '@hakmem/bench';
import { addonSource, baseDir, coreDir, includeDir } from '@hakmem/native';
import { HakmemBuildError } from './errors.js';

/** CFLAGS of the contract, before the -I directories. */
export const BASE_CFLAGS = [
  '-std=gnu11',
  '-O2',
  '-g',
  '-fPIC',
  '-fvisibility=hidden',
  '-fno-plt',
  '-fno-semantic-interposition',
  '-fno-stack-protector',
  '-fno-builtin-malloc',
  '-fno-builtin-free',
  '-fno-builtin-calloc',
  '-fno-builtin-realloc',
  '-Wall',
  '-Wextra',
  '-Wno-unused-function',
  '-Wno-unused-parameter',
  '-Werror=implicit-function-declaration',
  '-Werror=undef',
  '-Werror=switch',
] as const;

export const ADDON_CXXFLAGS = [
  '-std=c++17',
  '-O2',
  '-fPIC',
  '-fvisibility=hidden',
  '-DNAPI_VERSION=8',
  '-DNAPI_DISABLE_CPP_EXCEPTIONS',
] as const;

export const NO_COMPILER = 'hakmem needs a C compiler: apt-get install gcc g++';

export interface Toolchain {
  readonly cc: string;
  readonly cxx: string;
  readonly ar: string;
  /** Words after the executable in CC / CXX (CC='ccache gcc' runs ccache with gcc first). */
  readonly ccArgs?: readonly string[];
  readonly cxxArgs?: readonly string[];
  /** The user's CFLAGS (after the contract's, so -O3 wins over -O2) and LDFLAGS. */
  readonly cflags?: readonly string[];
  readonly ldflags?: readonly string[];
  /** Node-API's C headers (node_api.h) for the addon; default: nodeIncludeDir(). */
  readonly nodeInclude?: string;
  /** node-addon-api's headers (napi.h) for the addon; default: napiIncludeDir(). */
  readonly napiInclude?: string;
}

/** Absolute path of an executable on PATH, or undefined. */
export function which(cmd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** The include_dir of a header package this one depends on, checked for `header`. */
function headerPackageDir(pkg: string, header: string): string {
  let dir: string;
  try {
    dir = resolve((createRequire(import.meta.url)(pkg) as { include_dir: string }).include_dir);
  } catch (err) {
    throw new HakmemBuildError(
      `the Node addon (hakmem.node) is compiled with the headers of the ${pkg} package, which cannot be ` +
        `loaded (${(err as Error).message.split('\n')[0]}); reinstall @hakmem/compose`,
    );
  }
  if (!existsSync(join(dir, header))) throw new HakmemBuildError(`${pkg} has no ${header} in ${dir}`);
  return dir;
}

/**
 * Node-API's C headers (node_api.h, js_native_api.h): those of the node-api-headers package,
 * a dependency of @hakmem/compose, never the running Node's own. The addon is a Node-API module
 * (NAPI_VERSION in ADDON_CXXFLAGS), so it needs only the ABI-stable C API those headers declare,
 * whatever Node runs it. Only the addon's glue (hk_addon.o) is compiled with them: libhakmem.so
 * and libhakmem.a need no Node header, and findToolchain does not look for any. Nothing here
 * reads npm_config_nodedir, and nothing runs node-gyp: the addon is two objects linked by
 * `c++ -shared` (compilePlan), so no Node development package (libnode-dev) is needed.
 */
export const nodeIncludeDir = (): string => headerPackageDir('node-api-headers', 'node_api.h');

/** node-addon-api's include dir (napi.h). */
export const napiIncludeDir = (): string => headerPackageDir('node-addon-api', 'napi.h');

/** Whitespace-separated words of an environment variable, as make splits CC and CFLAGS. */
export const envWords = (v: string | undefined): string[] => (v ?? '').split(/\s+/).filter(Boolean);

/** A tool named by an environment variable (CC='ccache gcc', CC=/opt/x/bin/clang) or its
 * default: the executable, resolved on PATH, and the words after it. */
function envTool(env: NodeJS.ProcessEnv, name: string, fallback: string): { exe: string | undefined; args: string[] } {
  const [first = fallback, ...args] = envWords(env[name]);
  if (!first.includes('/')) return { exe: which(first, env), args };
  try {
    accessSync(first, constants.X_OK);
    return { exe: first, args };
  } catch {
    return { exe: undefined, args };
  }
}

/** CC (default gcc), CXX (g++), AR (ar), CFLAGS, LDFLAGS from `env`; throws the install hint
 * when a compiler is missing. No Node header is looked for: the addon's come from packages
 * (nodeIncludeDir, napiIncludeDir) when compilePlan needs them. */
export function findToolchain(env: NodeJS.ProcessEnv = process.env): Toolchain {
  const cc = envTool(env, 'CC', 'gcc');
  const cxx = envTool(env, 'CXX', 'g++');
  const ar = envTool(env, 'AR', 'ar');
  for (const [name, t] of [
    ['CC', cc],
    ['CXX', cxx],
    ['AR', ar],
  ] as const) {
    if (!t.exe && env[name]?.trim()) throw new HakmemBuildError(`${name}=${env[name]}: no such executable`);
  }
  if (!cc.exe || !cxx.exe || !ar.exe) throw new HakmemBuildError(NO_COMPILER);
  return {
    cc: cc.exe,
    cxx: cxx.exe,
    ar: ar.exe,
    ...(cc.args.length ? { ccArgs: cc.args } : {}),
    ...(cxx.args.length ? { cxxArgs: cxx.args } : {}),
    cflags: envWords(env.CFLAGS),
    ldflags: envWords(env.LDFLAGS),
  };
}

/** How a toolchain is recorded in variant.json: the tools by name (no build-machine paths),
 * the C flags of the unit and the user's LDFLAGS. */
export function toolchainRecord(tc: Toolchain): {
  cc: string;
  cxx: string;
  ar: string;
  cflags: string[];
  ldflags: string[];
} {
  const tool = (exe: string, args: readonly string[] = []) => [basename(exe), ...args].join(' ');
  return {
    cc: tool(tc.cc, tc.ccArgs),
    cxx: tool(tc.cxx, tc.cxxArgs),
    ar: basename(tc.ar),
    cflags: [...BASE_CFLAGS, ...(tc.cflags ?? [])],
    ldflags: [...(tc.ldflags ?? [])],
  };
}

/** The machine the C compiler builds for (`cc -dumpmachine`, e.g. aarch64-linux-gnu), or
 * undefined when it cannot say. */
export function targetMachine(tc: Toolchain): string | undefined {
  const r = spawnSync(tc.cc, [...(tc.ccArgs ?? []), '-dumpmachine'], { encoding: 'utf8' });
  const out = r.status === 0 ? r.stdout.trim() : '';
  return out || undefined;
}

/** The CPU family of a target triple or of Node's process.arch, in one naming. */
export function archFamily(archOrTriple: string): string {
  const a = archOrTriple.split('-')[0]!;
  if (a === 'x64' || a === 'x86_64' || a === 'amd64') return 'x86_64';
  if (a === 'ia32' || /^i[3-6]86$/.test(a)) return 'x86';
  if (a === 'arm64' || a === 'aarch64') return 'aarch64';
  if (a === 'ppc64' || a.startsWith('powerpc64')) return 'powerpc64';
  if (a === 'arm' || a.startsWith('arm')) return 'arm';
  return a;
}

/** Does a compiler that builds for `target` (targetMachine) build for another CPU than the one
 * running Node? Then a Node addon it built could not load here: a cross build makes the library
 * and the archive only. */
export function isCrossTarget(target: string | undefined): boolean {
  return target !== undefined && archFamily(target) !== archFamily(process.arch);
}

export interface Command {
  readonly exe: string;
  readonly args: readonly string[];
  /** What it makes, for messages. */
  readonly what: string;
  /** Reuse: `out` is kept in `cacheDir` under a hash of the command (but `out`) and of the
   * `inputs`' contents, and copied from there when the same command comes again. */
  readonly reuse?: { readonly cacheDir: string; readonly out: string; readonly inputs: readonly string[] };
}

export interface CompilePlan {
  /** Compiles, independent of each other. */
  readonly compile: readonly Command[];
  /** Links and archives, after every compile. */
  readonly link: readonly Command[];
}

/** The -I directories of a box file checked alone: the slot headers, the base every file
 * includes (native/base), the generated config, then the header directories of the bases its
 * box builds on. No native/core: a box that reaches into the core's own files fails to compile. */
export const boxIncludeFlags = (buildDir: string, bases: readonly string[] = []): string[] =>
  [includeDir, baseDir, buildDir, ...new Set(bases)].flatMap((d) => ['-I', d]);

/** The -I directories of a variant's unit: the slot headers, the base, the core, the generated
 * config, then the header directories of the bases its boxes build on. */
export const includeFlags = (buildDir: string, bases: readonly string[] = []): string[] =>
  [includeDir, baseDir, coreDir, buildDir, ...new Set(bases)].flatMap((d) => ['-I', d]);

/** The link of libhakmem.so from the unit's object, with `soname` as its SONAME. */
export function sharedLibCommand(tc: Toolchain, obj: string, out: string, soname = 'libhakmem.so'): Command {
  return {
    what: basename(out),
    exe: tc.cc,
    args: [
      ...(tc.ccArgs ?? []),
      '-shared',
      `-Wl,-soname,${soname}`,
      '-Wl,-z,now',
      '-Wl,--no-undefined',
      ...(tc.ldflags ?? []),
      '-o',
      out,
      obj,
      '-lpthread',
    ],
  };
}

/** Where builds keep the objects they reuse (the addon's glue): HAKMEM_BUILD_CACHE, which
 * several projects may share (the keys hold every input), else <root>/.hakmem/cache. */
export function buildCacheDir(rootDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.HAKMEM_BUILD_CACHE;
  return dir ? resolve(dir) : join(rootDir, '.hakmem', 'cache');
}

/** The commands of the contract for one variant: objects in buildDir, outputs in outDir;
 * `bases`: the include directories of the bases its boxes build on; `rootDir`: mapped to
 * nothing in __FILE__, so the library's strings name no build-machine path; `cacheDir`: where
 * objects reused across builds are kept (default <rootDir>/.hakmem/cache; none without either). */
export function compilePlan(
  tc: Toolchain,
  buildDir: string,
  outDir: string,
  bases: readonly string[] = [],
  rootDir?: string,
  opts: { readonly addon?: boolean; readonly cacheDir?: string } = {},
): CompilePlan {
  const addon = opts.addon ?? true;
  const cacheDir = opts.cacheDir ?? (rootDir !== undefined ? buildCacheDir(rootDir, {}) : undefined);
  const unit = join(buildDir, 'hakmem_variant.c');
  const cflags = [
    ...(tc.ccArgs ?? []),
    ...BASE_CFLAGS,
    ...(tc.cflags ?? []),
    ...includeFlags(buildDir, bases),
    ...(rootDir ? [`-fmacro-prefix-map=${rootDir}/=`] : []),
  ];
  const obj = join(buildDir, 'hakmem.o');
  const addonObj = join(buildDir, 'hakmem-addon.o');
  const glueObj = join(buildDir, 'hk_addon.o');
  return {
    compile: [
      {
        what: 'hakmem.o',
        exe: tc.cc,
        args: [...cflags, '-ftls-model=initial-exec', '-DHK_BUILD_ADDON=0', '-c', unit, '-o', obj],
      },
      ...(addon ? addonCompiles(tc, cflags, unit, addonObj, glueObj, cacheDir) : []),
    ],
    link: [
      sharedLibCommand(tc, obj, join(outDir, 'libhakmem.so')),
      { what: 'libhakmem.a', exe: tc.ar, args: ['rcs', join(outDir, 'libhakmem.a'), obj] },
      ...(addon ? [addonLink(tc, join(outDir, 'hakmem.node'), addonObj, glueObj)] : []),
    ],
  };
}

/** The addon's two objects: the unit again with global-dynamic TLS (a module dlopen()ed by
 * Node), and the C++ glue against the Node-API headers. */
function addonCompiles(
  tc: Toolchain,
  cflags: readonly string[],
  unit: string,
  addonObj: string,
  glueObj: string,
  cacheDir?: string,
): Command[] {
  const nodeInclude = tc.nodeInclude ?? nodeIncludeDir();
  const napiInclude = tc.napiInclude ?? napiIncludeDir();
  return [
    {
      what: 'hakmem-addon.o',
      exe: tc.cc,
      args: [...cflags, '-ftls-model=global-dynamic', '-DHK_BUILD_ADDON=1', '-c', unit, '-o', addonObj],
    },
    {
      what: 'hk_addon.o',
      exe: tc.cxx,
      args: [
        ...(tc.cxxArgs ?? []),
        ...ADDON_CXXFLAGS,
        '-I',
        nodeInclude,
        '-I',
        napiInclude,
        '-I',
        includeDir,
        '-c',
        addonSource,
        '-o',
        glueObj,
      ],
      // the glue is the same C++ for every variant (it includes hakmem.h only): compiled once
      // per cache, where a build of every variant compiled it each time (2.5 s of g++ here)
      ...(cacheDir !== undefined && {
        reuse: {
          cacheDir: join(cacheDir, 'addon-glue'),
          out: glueObj,
          inputs: [
            addonSource,
            join(includeDir, 'hakmem.h'),
            join(napiInclude, 'napi.h'),
            join(napiInclude, 'napi-inl.h'),
            join(nodeInclude, 'node_api.h'),
            join(nodeInclude, 'js_native_api.h'),
          ],
        },
      }),
    },
  ];
}

function addonLink(tc: Toolchain, out: string, addonObj: string, glueObj: string): Command {
  return {
    what: 'hakmem.node',
    exe: tc.cxx,
    args: [...(tc.cxxArgs ?? []), '-shared', ...(tc.ldflags ?? []), '-o', out, addonObj, glueObj, '-lpthread'],
  };
}

const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
export const commandLine = (c: Command): string => [c.exe, ...c.args].map(quote).join(' ');

/** Runs one command; resolves with its diagnostics (warnings), rejects with them on failure. */
export async function runCommand(c: Command, cwd?: string): Promise<string> {
  if (c.reuse) return runReused(c, c.reuse, cwd);
  const r = await runProcess(c.exe, c.args, { cwd });
  if (r.spawnError !== undefined) {
    throw new HakmemBuildError(r.spawnCode === 'ENOENT' ? NO_COMPILER : `cannot run ${c.exe}: ${r.spawnError}`);
  }
  const out = r.stdout + r.stderr;
  if (r.code === 0) return out;
  throw new HakmemBuildError(
    `building ${c.what} failed (${r.signal ?? `exit ${r.code}`}):\n$ ${commandLine(c)}\n${out.trimEnd()}`,
  );
}

/** runCommand for a command with `reuse`: copies its output from the cache when the same command
 * over the same inputs made it before; otherwise runs it and keeps the output (under a temporary
 * name, renamed, so parallel builds never copy half a file). */
async function runReused(c: Command, reuse: NonNullable<Command['reuse']>, cwd?: string): Promise<string> {
  const h = createHash('sha256').update([c.exe, ...c.args.filter((a) => a !== reuse.out)].join('\0'));
  for (const f of reuse.inputs) h.update('\0').update(existsSync(f) ? readFileSync(f) : '');
  const kept = join(reuse.cacheDir, `${h.digest('hex')}.o`);
  if (existsSync(kept)) {
    copyFileSync(kept, reuse.out);
    return '';
  }
  const out = await runCommand({ exe: c.exe, args: c.args, what: c.what }, cwd);
  mkdirSync(reuse.cacheDir, { recursive: true });
  const tmp = `${kept}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  copyFileSync(reuse.out, tmp);
  renameSync(tmp, kept);
  return out;
}

/** Runs every compile (in parallel), then every link; returns the diagnostics printed. */
export async function runPlan(plan: CompilePlan, cwd?: string): Promise<string> {
  const settle = async (cmds: readonly Command[]): Promise<string[]> => {
    const results = await Promise.allSettled(cmds.map((c) => runCommand(c, cwd)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length) {
      const msgs = failed.map((f) => (f.reason as Error).message);
      throw new HakmemBuildError([...new Set(msgs)].join('\n\n'));
    }
    return results.map((r) => (r as PromiseFulfilledResult<string>).value);
  };
  const logs = [...(await settle(plan.compile)), ...(await settle(plan.link))];
  return logs.filter((l) => l.trim()).join('');
}
