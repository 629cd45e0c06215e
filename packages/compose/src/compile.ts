import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { addonSource, coreDir, includeDir } from '@hakmem/native';
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
  /** Node's headers (node_api.h). */
  readonly nodeInclude: string;
  /** node-addon-api's headers (napi.h). */
  readonly napiInclude: string;
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

/** Node's include dir: $npm_config_nodedir/include/node, <node>/../include/node, /usr/include/node. */
export function nodeIncludeDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [
    ...(env.npm_config_nodedir ? [join(env.npm_config_nodedir, 'include', 'node')] : []),
    resolve(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
  ];
  const found = candidates.find((d) => existsSync(join(d, 'node_api.h')));
  if (!found) {
    throw new HakmemBuildError(
      `Node's C headers (node_api.h) not found in ${candidates.join(', ')}; ` +
        'install them (e.g. apt-get install libnode-dev) or set npm_config_nodedir',
    );
  }
  return found;
}

/** node-addon-api's include dir (napi.h). */
export function napiIncludeDir(): string {
  const req = createRequire(import.meta.url);
  const napi = req('node-addon-api') as { include_dir: string };
  return resolve(napi.include_dir);
}

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

/** CC (default gcc), CXX (g++), AR (ar), CFLAGS, LDFLAGS from `env`, and the addon headers;
 * throws the install hint when a compiler is missing. */
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
    nodeInclude: nodeIncludeDir(env),
    napiInclude: napiIncludeDir(),
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

export interface Command {
  readonly exe: string;
  readonly args: readonly string[];
  /** What it makes, for messages. */
  readonly what: string;
}

export interface CompilePlan {
  /** Compiles, independent of each other. */
  readonly compile: readonly Command[];
  /** Links and archives, after every compile. */
  readonly link: readonly Command[];
}

/** The -I directories of a variant's unit: the slot headers, the core, the generated config,
 * then the header directories of the bases its boxes build on. */
export const includeFlags = (buildDir: string, bases: readonly string[] = []): string[] =>
  [includeDir, coreDir, buildDir, ...new Set(bases)].flatMap((d) => ['-I', d]);

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

/** The commands of the contract for one variant: objects in buildDir, outputs in outDir;
 * `bases`: the include directories of the bases its boxes build on; `rootDir`: mapped to
 * nothing in __FILE__, so the library's strings name no build-machine path. */
export function compilePlan(
  tc: Toolchain,
  buildDir: string,
  outDir: string,
  bases: readonly string[] = [],
  rootDir?: string,
): CompilePlan {
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
          tc.nodeInclude,
          '-I',
          tc.napiInclude,
          '-I',
          includeDir,
          '-c',
          addonSource,
          '-o',
          glueObj,
        ],
      },
    ],
    link: [
      sharedLibCommand(tc, obj, join(outDir, 'libhakmem.so')),
      { what: 'libhakmem.a', exe: tc.ar, args: ['rcs', join(outDir, 'libhakmem.a'), obj] },
      {
        what: 'hakmem.node',
        exe: tc.cxx,
        args: [
          ...(tc.cxxArgs ?? []),
          '-shared',
          ...(tc.ldflags ?? []),
          '-o',
          join(outDir, 'hakmem.node'),
          addonObj,
          glueObj,
          '-lpthread',
        ],
      },
    ],
  };
}

const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
export const commandLine = (c: Command): string => [c.exe, ...c.args].map(quote).join(' ');

/** Runs one command; resolves with its diagnostics (warnings), rejects with them on failure. */
export function runCommand(c: Command, cwd?: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(c.exe, c.args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(new HakmemBuildError(err.code === 'ENOENT' ? NO_COMPILER : `cannot run ${c.exe}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise(out);
      else {
        reject(
          new HakmemBuildError(
            `building ${c.what} failed (${signal ?? `exit ${code}`}):\n$ ${commandLine(c)}\n${out.trimEnd()}`,
          ),
        );
      }
    });
  });
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
