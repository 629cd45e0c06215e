import { basename } from 'node:path';
import { HakmemError } from '@hakmem/compose';
import type { RawProfile } from './raw.js';

/** Which processes' profiles make the report. */
export interface ProcessFilter {
  /** Keep the processes whose program path matches this regular expression (`--exe`). */
  readonly exe?: string;
  /**
   * The pid of the command `hakmem profile` started. Without `exe`, its program (what it ran
   * last: a shim that execs python is python) and every other process running the same program
   * are kept, so the shells and tools a wrapper script forks do not merge into the report.
   */
  readonly rootPid?: number;
}

export interface Selection {
  readonly kept: readonly RawProfile[];
  readonly dropped: readonly RawProfile[];
  /** One line saying what was kept and why; empty when every profile was kept by default. */
  readonly note: string;
}

const names = (raws: readonly RawProfile[]): string => {
  const count = new Map<string, number>();
  for (const r of raws) count.set(basename(r.exe) || '?', (count.get(basename(r.exe) || '?') ?? 0) + 1);
  return [...count].map(([n, c]) => (c > 1 ? `${n} x${c}` : n)).join(', ');
};

/** `--exe`'s pattern, or a clear error (checked before the command runs). */
export function exePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (err) {
    throw new HakmemError(`--exe must be a regular expression: ${(err as Error).message}`);
  }
}

/** Splits the raw profiles of one run by `filter`; throws when `--exe` matches none. */
export function selectProcesses(raws: readonly RawProfile[], filter: ProcessFilter): Selection {
  let keep: (r: RawProfile) => boolean;
  let why: string;
  if (filter.exe !== undefined) {
    const re = exePattern(filter.exe);
    keep = (r) => re.test(r.exe);
    why = `--exe ${filter.exe}`;
  } else {
    const root = raws.find((r) => r.pid === filter.rootPid);
    if (!root) {
      const note =
        raws.length > 1 && filter.rootPid !== undefined
          ? `the command's own process (pid ${filter.rootPid}) left no profile: keeping all ${raws.length} (--exe to choose)`
          : '';
      return { kept: raws, dropped: [], note };
    }
    keep = (r) => r.exe === root.exe;
    why = `the command's program, ${root.exe} (--exe to choose another)`;
  }
  const kept = raws.filter(keep);
  const dropped = raws.filter((r) => !keep(r));
  if (kept.length === 0) {
    throw new HakmemError(`${why} matches none of the ${raws.length} processes profiled: ${names(raws)}`);
  }
  const note =
    dropped.length === 0
      ? ''
      : `keeping ${kept.length} of ${raws.length} processes (${why}); left out: ${names(dropped)}`;
  return { kept, dropped, note };
}
