// profile's tests reach its internals here (the package's index exports only its API).
export * from '../src/command.js';
export * from '../src/elf.js';
export * from '../src/flamegraph.js';
export * from '../src/folded.js';
export * from '../src/pprof.js';
export * from '../src/rate.js';
export * from '../src/raw.js';
export * from '../src/report.js';
export * from '../src/run.js';
export * from '../src/select.js';
export * from '../src/symbolize.js';
