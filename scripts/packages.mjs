// The publishable packages of the workspace, and the checks each must pass before it is packed:
// publint on what `pnpm pack` would ship, plus hakmem's own rules (the fields a registry page
// needs, the C sources and headers shipped, no tests, no install-time compilation).
// Used by `pnpm release` (scripts/release.mjs) and by test/publish/ (run by `pnpm test`).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Directories of the workspace packages that are published (not private), sorted. */
export function publishableDirs(root = repoRoot) {
  const dirs = [join(root, 'native')];
  for (const d of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    if (d.isDirectory() && existsSync(join(root, 'packages', d.name, 'package.json')))
      dirs.push(join(root, 'packages', d.name));
  }
  return dirs.filter((d) => !readJson(join(d, 'package.json')).private).sort();
}

export const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The files `pnpm pack` would put in the tarball, relative to the package root. */
export function packedFiles(dir) {
  const out = execFileSync('pnpm', ['pack', '--dry-run', '--json'], { cwd: dir, encoding: 'utf8' });
  return JSON.parse(out.slice(out.indexOf('{')))
    .files.map((f) => f.path)
    .sort();
}

/** Packs `dir` into `dest` (workspace: ranges replaced by versions); returns the tarball's path. */
export function pack(dir, dest) {
  const out = execFileSync('pnpm', ['pack', '--pack-destination', dest, '--json'], { cwd: dir, encoding: 'utf8' });
  const { filename } = JSON.parse(out.slice(out.indexOf('{')));
  return resolve(dest, filename);
}

function walk(dir, base = dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p, base) : [relative(base, p)];
  });
}

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare', 'prepublish'];

/** hakmem's publish rules for one package; returns a list of problems (empty: fine). */
export function hakmemRules(dir, files = packedFiles(dir)) {
  const pkg = readJson(join(dir, 'package.json'));
  const problems = [];
  const need = (ok, msg) => {
    if (!ok) problems.push(msg);
  };
  need(/^@hakmem\/[a-z]+$/.test(pkg.name ?? ''), 'name must be @hakmem/<name>');
  need(typeof pkg.description === 'string' && pkg.description.length > 20, 'description is missing or too short');
  need(
    Array.isArray(pkg.keywords) && pkg.keywords.includes('hakmem') && pkg.keywords.includes('malloc'),
    'keywords must include hakmem and malloc',
  );
  need(pkg.license === 'MIT', 'license must be MIT');
  need(
    pkg.repository?.type === 'git' && /^git\+https:/.test(pkg.repository?.url ?? ''),
    'repository { type: git, url: git+https://... } is missing',
  );
  need(
    pkg.repository?.directory === relative(repoRoot, dir),
    `repository.directory must be ${relative(repoRoot, dir)}`,
  );
  need(typeof pkg.engines?.node === 'string', 'engines.node is missing');
  need(
    pkg.publishConfig?.access === 'public',
    'publishConfig.access must be public (scoped packages are private by default)',
  );
  need(Array.isArray(pkg.files) && pkg.files.length > 0, 'files is missing');
  const root = pkg.exports?.['.'];
  need(root && typeof root === 'object', 'exports["."] is missing');
  // exports["."]: { import: { types, default }, require: { types, default } }, so that the
  // package can be imported (ESM) and require()d (CommonJS), each with its own declarations.
  if (root && typeof root === 'object') {
    for (const cond of ['import', 'require']) {
      const c = root[cond];
      need(c && typeof c === 'object', `exports["."].${cond} must be { types, default }`);
      if (!c || typeof c !== 'object') continue;
      need(Object.keys(c)[0] === 'types', `exports["."].${cond} must list types first`);
      for (const k of ['types', 'default']) {
        need(typeof c[k] === 'string', `exports["."].${cond}.${k} is missing`);
        if (typeof c[k] === 'string')
          need(files.includes(c[k].replace(/^\.\//, '')), `exports["."].${cond}.${k} (${c[k]}) is not in the tarball`);
      }
    }
  }
  for (const s of INSTALL_SCRIPTS)
    need(!pkg.scripts?.[s], `scripts.${s} would run on install; installing must compile nothing`);
  need(!files.some((f) => /(^|\/)binding\.gyp$/.test(f)), 'binding.gyp would make npm compile on install');
  need(
    !files.some((f) => /\.(o|so|a|node)$/.test(f)),
    'compiled objects must not be shipped (the composer builds them)',
  );
  for (const f of ['README.md', 'CHANGELOG.md', 'LICENSE', 'package.json'])
    need(files.includes(f), `${f} is not in the tarball`);
  need(
    !files.some((f) => /(^|\/)(test|tests|__tests__)\//.test(f) || /\.test\.[cm]?[jt]s$/.test(f)),
    'tests must not be shipped',
  );
  need(!files.some((f) => f.endsWith('.map')), 'source maps point at src/, which is not shipped');
  for (const [name, bin] of Object.entries(pkg.bin ?? {}))
    need(files.includes(bin.replace(/^\.\//, '')), `bin ${name} (${bin}) is not in the tarball`);
  // The C side: every C source and header of the package ships (boxes: c/; core: include/, base/, core/, addon/).
  for (const sub of ['c', 'include', 'base', 'core', 'addon']) {
    for (const f of walk(join(dir, sub))) {
      if (/\.(c|h|cc|cpp|hpp)$/.test(f)) need(files.includes(`${sub}/${f}`), `${sub}/${f} is not in the tarball`);
    }
  }
  if (pkg.name === '@hakmem/native') {
    for (const f of [
      'include/hakmem.h',
      'base/hk_prelude.h',
      'base/hk_services.h',
      'core/hk_core.c',
      'addon/hk_addon.cc',
    ])
      need(files.includes(f), `${f} is not in the tarball`);
  }
  return problems;
}

/** Runs publint (every level: errors, warnings and suggestions) on what `pnpm pack` ships. */
export async function publintPackage(dir) {
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  const { messages, pkg } = await publint({ pkgDir: dir, level: 'suggestion', strict: true, pack: 'pnpm' });
  return messages.map((m) => `${m.type}: ${formatMessage(m, pkg, { color: false }) ?? m.code}`);
}

/** Slot packages: the C sources their manifests name are in the tarball. */
export async function manifestSourcesPacked(dir, files = packedFiles(dir)) {
  const entry = join(dir, 'dist', 'index.js');
  const { pathToFileURL } = await import('node:url');
  // a slot package: one of the slot list's (native/src/slots.ts), named @hakmem/<slot>
  const { SLOT_ORDER, defaultSlotPackage } = await import(
    pathToFileURL(join(repoRoot, 'native', 'dist', 'index.js')).href
  );
  const name = readJson(join(dir, 'package.json')).name;
  if (!SLOT_ORDER.some((slot) => defaultSlotPackage(slot) === name)) return [];
  const slot = (await import(pathToFileURL(entry).href)).default;
  const problems = [];
  for (const [box, m] of Object.entries(slot.boxes)) {
    for (const s of m.sources) if (!files.includes(s)) problems.push(`box ${box}: source ${s} is not in the tarball`);
  }
  return problems;
}

/** Every check for one package; returns the problems, each prefixed by the package name. */
export async function checkPackage(dir) {
  const name = readJson(join(dir, 'package.json')).name;
  const files = packedFiles(dir);
  const problems = [
    ...(await publintPackage(dir)).map((m) => `publint ${m}`),
    ...hakmemRules(dir, files),
    ...(await manifestSourcesPacked(dir, files)),
  ];
  return problems.map((p) => `${name}: ${p}`);
}
