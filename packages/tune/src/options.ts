// @hakmem/tune/options: the values `hakmem tune`'s options take and default to, without the
// engine (no config parser loaded): what a command line's help and parser need.
export type Goal = 'speed' | 'memory' | 'balanced';
export const GOALS: readonly Goal[] = ['speed', 'memory', 'balanced'];
export const DEFAULT_TUNE_DIR = 'hakmem-tune';
export const DEFAULT_TUNE_NAME = 'tuned';
export const DEFAULT_REPS = 5;
export const PEERS = ['glibc', 'mimalloc', 'jemalloc', 'tcmalloc'] as const;
