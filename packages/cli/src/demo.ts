import { spawnSync } from 'node:child_process';
import { runProcess } from '@hakmem/bench';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HakmemError, which, distDirOf, getVariant, type LoadedConfig } from '@hakmem/compose';

/** A Python workload that allocates small objects, lists, dicts and a few big buffers. */
export const DEMO_WORKLOAD = [
  'import sys',
  'keep = []',
  'for r in range(40):',
  '    d = {str(i): [i] * (i % 17) for i in range(5000)}',
  "    s = [('x' * (i % 300)) + str(i) for i in range(5000)]",
  '    keep.append((d, s))',
  '    if len(keep) > 4: keep.pop(0)',
  'big = [bytearray(3 << 20) for _ in range(6)]',
  "print('python: %d rounds of dicts, lists and strings, %d MiB in big buffers' % (40, sum(map(len, big)) >> 20))",
].join('\n');

export interface DemoResult {
  readonly output: string;
  readonly report: string[];
}

/** The real python3 interpreter (not a pyenv-style shim script, whose helpers would also be preloaded). */
function findPython(): string {
  const python = which('python3');
  if (!python) throw new HakmemError('the demo needs python3 on PATH');
  const r = spawnSync(python, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  const exe = r.status === 0 ? r.stdout.trim() : '';
  return exe && existsSync(exe) ? exe : python;
}

/**
 * Runs the workload under LD_PRELOAD=dist/<v>/libhakmem.so with PYTHONMALLOC=malloc
 * and collects hakmem's report lines. The report goes to a temporary file rather
 * than /dev/stderr: a child's stderr from Node is a socket, which /dev/stderr
 * (/proc/self/fd/2) cannot be opened on.
 */
export async function runDemo(config: LoadedConfig, variant: string): Promise<DemoResult> {
  getVariant(config, variant);
  const lib = join(distDirOf(config.rootDir, variant), 'libhakmem.so');
  if (!existsSync(lib)) throw new HakmemError(`${lib} not found; run \`npx hakmem build ${variant}\` first`);
  const python = findPython();
  const reportFile = join(tmpdir(), `hakmem-demo-${process.pid}-${Date.now().toString(36)}.report`);
  const env = { ...process.env, LD_PRELOAD: lib, PYTHONMALLOC: 'malloc', HAKMEM_REPORT: reportFile };
  try {
    const r = await runProcess(python, ['-c', DEMO_WORKLOAD], { env });
    if (r.spawnError !== undefined) throw new HakmemError(`cannot run ${python}: ${r.spawnError}`);
    if (r.code !== 0) {
      throw new HakmemError(
        `${python} under hakmem (${variant}) failed (${r.signal ?? `exit ${r.code}`}):\n${r.stderr}`,
      );
    }
    const report = existsSync(reportFile)
      ? readFileSync(reportFile, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('hakmem '))
      : [];
    if (report.length === 0) {
      throw new HakmemError(`${python} ran, but hakmem wrote no report: was ${lib} preloaded?\n${r.stderr}`);
    }
    return { output: `${r.stdout}${r.stderr}`, report };
  } finally {
    rmSync(reportFile, { force: true });
  }
}
