import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseMapsLine,
  parseRate,
  programOfMaps,
  resolveCommand,
  selectProcesses,
  type MapEntry,
  type RawProfile,
} from './internal.js';
import { tempDir } from '@hakmem/test-utils';

const raw = (pid: number, exe: string): RawProfile => ({
  file: `raw-${pid}.prof`,
  variant: 'profiling',
  pid,
  sampleBytes: 4096,
  elapsedMs: 1,
  reason: 'exit',
  exe,
  maps: [],
  live: [],
  alloc: [],
});

describe('hakmem profile: which processes make the report', () => {
  // a pyenv-style shim: bash forks helpers, then execs python (same pid 10), which forks a worker
  const run = [
    raw(10, '/opt/py/bin/python3.11'),
    raw(11, '/usr/bin/bash'),
    raw(12, '/usr/bin/sed'),
    raw(13, '/usr/bin/bash'),
    raw(14, '/opt/py/bin/python3.11'),
  ];

  it("keeps the command's own program by default: python, not the shell's processes", () => {
    const s = selectProcesses(run, { rootPid: 10 });
    expect(s.kept.map((r) => r.pid)).toEqual([10, 14]);
    expect(s.dropped.map((r) => r.pid)).toEqual([11, 12, 13]);
    expect(s.note).toBe(
      "keeping 2 of 5 processes (the command's program, /opt/py/bin/python3.11 (--exe to choose another)); left out: bash x2, sed",
    );
  });

  it('--exe keeps the processes whose program path matches', () => {
    expect(selectProcesses(run, { rootPid: 10, exe: 'bash$' }).kept.map((r) => r.pid)).toEqual([11, 13]);
    expect(selectProcesses(run, { exe: '.' })).toMatchObject({ note: '', dropped: [] });
    expect(() => selectProcesses(run, { exe: 'ruby' })).toThrow(
      '--exe ruby matches none of the 5 processes profiled: python3.11 x2, bash x2, sed',
    );
    expect(() => selectProcesses(run, { exe: '[' })).toThrow(/^--exe must be a regular expression: /);
  });

  it("keeps every process when the command's own left no profile, and says so", () => {
    const s = selectProcesses(run.slice(1), { rootPid: 10 });
    expect(s.kept).toHaveLength(4);
    expect(s.note).toBe("the command's own process (pid 10) left no profile: keeping all 4 (--exe to choose)");
    expect(selectProcesses([run[0]!], { rootPid: 99 }).note).toBe('');
  });

  it('takes the program from the maps when a profile has no exe line: the lowest file mapping', () => {
    const maps = [
      '7f0000000000-7f0000001000 r-xp 00000000 08:01 7 /usr/lib/libc.so.6',
      '555555554000-555555556000 r--p 00000000 08:01 9 /home/u/prog',
      '555555600000-555555621000 rw-p 00000000 00:00 0 [heap]',
      '400000-401000 rw-p 00000000 00:00 0 ',
    ].map((l) => parseMapsLine(l) as MapEntry);
    expect(programOfMaps(maps)).toBe('/home/u/prog');
    expect(programOfMaps([])).toBe('');
  });
});

describe('hakmem profile: arguments', () => {
  it('--rate reads sizes as HAKMEM_SAMPLER_SAMPLE_BYTES does: K, M, G are powers of 1024', () => {
    expect(parseRate('4096')).toBe(4096);
    expect(parseRate('64K')).toBe(65536);
    expect(parseRate('64k')).toBe(65536);
    expect(parseRate('1M')).toBe(1 << 20);
    expect(parseRate('2G')).toBe(2 * 2 ** 30);
    for (const bad of ['0', '', 'K', '1.5K', '1KB', '-4', '1x', '0x10']) {
      expect(() => parseRate(bad), bad).toThrow(/^--rate must be a positive number of bytes/);
    }
  });

  it('finds a command as execvp does, and says when it cannot', () => {
    expect(resolveCommand('sh', { PATH: '/nonexistent:/bin:/usr/bin' })).toMatch(/^\/(usr\/)?bin\/sh$/);
    expect(resolveCommand('/bin/sh', {})).toBe('/bin/sh');
    expect(() => resolveCommand('no-such-hk25', { PATH: '/bin' })).toThrow(
      'command not found: no-such-hk25 (not in PATH: /bin)',
    );
    expect(() => resolveCommand('./nope', {}, '/')).toThrow('cannot run ./nope: no such file');
    const t = tempDir('prof-cmd');
    const plain = join(t.dir, 'data.txt');
    writeFileSync(plain, 'not a program\n', { mode: 0o644 });
    expect(() => resolveCommand(plain, {})).toThrow(`cannot run ${plain}: not executable`);
    t.cleanup();
    expect(() => resolveCommand('/bin', {})).toThrow('cannot run /bin: not a file');
  });
});
