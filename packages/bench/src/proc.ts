/** Spawning a process and collecting its output, with a time limit: the one helper the packages run programs with. */
import { spawn } from 'node:child_process';

export interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** set when the program could not be started at all */
  spawnError?: string;
  /** the error's code then (ENOENT: no such program) */
  spawnCode?: string;
}

export interface ProcOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

const MAX_CAPTURE = 4 * 1024 * 1024;

export function runProcess(cmd: string, args: readonly string[], opts: ProcOptions = {}): Promise<ProcResult> {
  return new Promise((resolvePromise) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (stdout.length < MAX_CAPTURE) stdout += d;
    });
    child.stderr.on('data', (d: string) => {
      if (stderr.length < MAX_CAPTURE) stderr += d;
    });
    const timer =
      opts.timeoutMs && opts.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs)
        : null;
    const finish = (r: ProcResult) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolvePromise(r);
    };
    child.on('error', (e: NodeJS.ErrnoException) =>
      finish({ code: null, signal: null, stdout, stderr, timedOut, spawnError: e.message, spawnCode: e.code }),
    );
    child.on('close', (code, signal) => finish({ code, signal, stdout, stderr, timedOut }));
  });
}

/** The environment for a benchmark child: ours without any inherited LD_PRELOAD, plus `extra`. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.LD_PRELOAD;
  return { ...env, ...extra };
}

/** Last lines of a text, for error messages. */
export function tail(text: string, lines = 6): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
