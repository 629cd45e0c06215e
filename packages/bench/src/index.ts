/** @hakmem/bench: the benchmark runner as a library (the command is bin/hakmem-bench.mjs). */
export { main, runBench, findRoot, PACKAGE_DIR, type BenchRun, type Io } from './cli.js';
export {
  parseArgs,
  USAGE,
  UsageError,
  KNOWN_PEERS,
  SPEED_PEERS,
  HARDENED_PEERS,
  defaultPeers,
  isHardenedPeer,
  defaultThreads,
  type Options,
  type ExtraPeer,
} from './args.js';
export {
  BENCHMARKS,
  BENCH_DEFS,
  SUITES,
  defaultReps,
  programOf,
  type BenchName,
  type BenchDef,
  type Suite,
} from './benchmarks.js';
export {
  resolveAllocators,
  findLibrary,
  parseLdconfig,
  SetupError,
  PEER_SONAMES,
  PEER_PACKAGES,
  findScudo,
  scudoCandidates,
  type Allocator,
  type AllocatorKind,
  type Skipped,
} from './allocators.js';
export { median, spread, relativeSpread, bestPeer, ratio, perOp, type Spread } from './stats.js';
export {
  computeRows,
  buildReport,
  timelineOf,
  hardenedPairs,
  SCHEMA,
  type HardenedPair,
  type HardenedRatios,
  type Report,
  type Row,
  type RawResult,
  type Machine,
} from './report-json.js';
export { renderMarkdown } from './report-md.js';
export {
  barChart,
  lineChart,
  throughputSvg,
  rssSvg,
  rssTimelineSvg,
  escapeXml,
  niceScale,
  legendLayout,
  svgHead,
  type BarChart,
  type LineChart,
  type LineSeries,
} from './svg.js';
export {
  terminalTable,
  textTable,
  mdTable,
  formatBytes,
  type ByteUnit,
  fmtRate,
  fmtKb,
  fmtRatio,
  fmtInstr,
  fmtFaults,
  fmtNs,
} from './table.js';
export { parseCollected, failedMmap, scudoUnderValgrindReason, ValgrindUnsupported } from './callgrind.js';
export { parseBenchLine, parseRunrssLine, type RunrssLine, type Sample } from './run.js';
export { buildPrograms, BuildError, HELPER } from './build.js';
export { runProcess, childEnv, tail, type ProcResult } from './proc.js';
