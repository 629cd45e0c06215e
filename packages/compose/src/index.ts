// @hakmem/compose's API: what a hakmem.config.ts, the `hakmem` command (@hakmem/cli), tune,
// profile and the tests use. The generator, compiler plumbing and amalgamation are internal.
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
export { findConfig, importConfig, loadConfig, withDefaultSlots } from './config-load.js';
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
export { which } from './compile.js';
export { buildVariant, distDirOf, type BuildOptions, type BuildResult } from './build.js';
export { variantKey } from './build-key.js';
export { buildUnlessCurrent, type Reused } from './build-reuse.js';
export { exportVariant, type ExportResult } from './export.js';
export { installVariant, DEFAULT_PREFIX, type InstallOptions, type InstallResult } from './install.js';
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
export {
  contractEntries,
  runContractCheck,
  writeCompileCommands,
  type ContractEntry,
  type ContractFailure,
} from './contract.js';
export { releaseArtifacts, type ReleaseOptions, type ReleaseResult } from './release-artifacts.js';
