import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { HakmemError } from '@hakmem/compose';

const runnable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/**
 * The file `command` runs, found as execvp would (a path with a slash as is, else along PATH),
 * so `hakmem profile` says a misspelt command before it spends seconds building.
 */
export function resolveCommand(command: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (command.includes('/')) {
    const p = resolve(cwd, command);
    if (runnable(p)) return p;
    throw new HakmemError(`cannot run ${command}: ${statOr(p)}`);
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const d of dirs) {
    const p = resolve(cwd, join(d, command));
    if (runnable(p)) return p;
  }
  throw new HakmemError(`command not found: ${command} (not in PATH: ${dirs.join(delimiter) || 'empty'})`);
}

function statOr(p: string): string {
  try {
    return statSync(p).isFile() ? 'not executable' : 'not a file';
  } catch {
    return 'no such file';
  }
}
