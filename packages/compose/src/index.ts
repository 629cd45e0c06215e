export {
  defineConfig,
  type HakmemConfig,
  type SlotMap,
  type BoxName,
  type BoxChoice,
  type TunableValues,
  type VariantTunables,
  type ExtendedTunables,
  type VariantConfig,
} from './define.js';
export { HakmemError, HakmemConfigError, HakmemBuildError } from './errors.js';
export { CONFIG_NAMES, findConfig, importConfig, loadConfig, withDefaultSlots } from './config-load.js';
export {
  validateConfig,
  resolveVariantInput,
  getVariant,
  hakmemVersion,
  type LoadedConfig,
  type ResolvedBox,
  type ResolvedVariant,
  type TunableSetting,
} from './validate.js';
export {
  CONFIG_HEADER,
  VARIANT_UNIT,
  VARIANT_FILES,
  configHeader,
  slotGlue,
  variantUnit,
  variantJson,
  tunableMacro,
  screamingSnake,
  cString,
  cInt,
} from './generate.js';
export {
  BASE_CFLAGS,
  ADDON_CXXFLAGS,
  NO_COMPILER,
  findToolchain,
  nodeIncludeDir,
  napiIncludeDir,
  compilePlan,
  sharedLibCommand,
  toolchainRecord,
  envWords,
  includeFlags,
  commandLine,
  runCommand,
  runPlan,
  which,
  type Toolchain,
  type Command,
  type CompilePlan,
} from './compile.js';
export { flattenVariants } from './variant-extends.js';
export { renderVariant, insertVariant, writeVariant, type NewVariant } from './tune/config-edit.js';
export { pkgConfig, installedPkgConfig } from './pkgconfig.js';
export {
  buildVariant,
  writeGenerated,
  compilerRecord,
  buildDirOf,
  distDirOf,
  type BuildOptions,
  type BuildResult,
} from './build.js';
export { amalgamate, isGuarded, type AmalgamateOptions } from './amalgamate.js';
export { sourceNamer } from './source-names.js';
export { exportVariant, EXPORT_CFLAGS, type ExportResult } from './export.js';
export { installVariant, majorOf, DEFAULT_PREFIX, type InstallOptions, type InstallResult } from './install.js';
export { cmakeConfig, cmakeConfigVersion, cmakeVariant } from './cmake-package.js';
export {
  listing,
  formatListing,
  envOptions,
  formatEnvOptions,
  type Listing,
  type SlotInfo,
  type BoxInfo,
  type TunableInfo,
  type VariantInfo,
} from './list.js';
export { runDemo, DEMO_WORKLOAD, type DemoResult } from './demo.js';
export {
  contractEntries,
  runContractCheck,
  writeCompileCommands,
  checkDirOf,
  type ContractEntry,
  type ContractFailure,
} from './contract.js';
export {
  parseRawProfile,
  parseMapsLine,
  programOfMaps,
  readRawProfile,
  type MapEntry,
  type RawProfile,
  type RawSample,
} from './profile/raw.js';
export {
  parseElfLoads,
  readElfLoads,
  fileOffsetToVaddr,
  readBuildId,
  parseBuildIdNotes,
  type ElfLoads,
  type LoadSegment,
} from './profile/elf.js';
export {
  symbolize,
  parseAddr2line,
  isHakmemFunction,
  isHakmemObject,
  type Frame,
  type Location,
  type Sample,
  type Profile,
  type SymbolizeOptions,
} from './profile/symbolize.js';
export { encodeProfile, pprofGz, mainMapping, type PprofKind } from './profile/pprof.js';
export { selectProcesses, exePattern, type ProcessFilter, type Selection } from './profile/select.js';
export { resolveCommand } from './profile/command.js';
export { parseRate } from './profile/rate.js';
export { variantKey } from './build-key.js';
export { buildUnlessCurrent, type Reused } from './build-reuse.js';
export { foldStacks, formatFolded, stackNames, type FoldedStack } from './profile/folded.js';
export { renderFlameGraph, frameColor, fitLabel, type FlameGraphOptions } from './profile/flamegraph.js';
export {
  formatTop,
  formatLeaks,
  formatSummary,
  formatBytes,
  formatFrame,
  sites,
  siteOf,
  leaks,
  type Site,
  type Leak,
  type ReportOptions,
} from './profile/report.js';
export {
  runProfile,
  writeProfileReport,
  rawProfilesIn,
  DEFAULT_PROFILE_DIR,
  DEFAULT_PROFILE_VARIANT,
  type ProfileRunOptions,
  type ProfileRunResult,
  type ReportResult,
  type ReportRunOptions,
} from './profile/run.js';
export {
  runTune,
  variantSource,
  DEFAULT_TUNE_DIR,
  DEFAULT_TUNE_NAME,
  DEFAULT_REPS,
  PEERS,
  type TuneOptions,
  type TuneRecord,
  type TuneOutcome,
  type TuneResult,
} from './tune/run.js';
export {
  singleCandidates,
  combine,
  applyChanges,
  changeId,
  GOALS,
  type Goal,
  type Change,
  type Candidate,
} from './tune/candidates.js';
export { parseStatsReports, describeShape, type WorkloadShape } from './tune/workload.js';
export {
  verdicts,
  pickWinner,
  figures,
  higherWins,
  canDecide,
  roundsToDecide,
  ALPHA,
  MAX_FINALISTS,
  type Verdict,
} from './tune/decide.js';
export {
  parseMetric,
  parseFigure,
  figureOf,
  metricName,
  metricLabel,
  metricValue,
  WALL,
  CPU,
  type Metric,
} from './tune/metric.js';
export { rankTestLess, rankTestTwoSided, holm, minPossibleP, type RankTest } from './tune/rank.js';
export { tuneChartSvg, paretoFront, type ChartPoint } from './tune/chart.js';
export {
  releaseArtifacts,
  releaseArch,
  releaseLibc,
  multiarchLibdir,
  type ReleaseOptions,
  type ReleaseResult,
} from './release-artifacts.js';
