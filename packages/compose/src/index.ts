export {
  defineConfig,
  type HakmemConfig,
  type SlotMap,
  type BoxName,
  type BoxChoice,
  type TunableValues,
  type VariantTunables,
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
  includeFlags,
  commandLine,
  runCommand,
  runPlan,
  which,
  type Toolchain,
  type Command,
  type CompilePlan,
} from './compile.js';
export { pkgConfig } from './pkgconfig.js';
export { buildVariant, writeGenerated, buildDirOf, distDirOf, type BuildOptions, type BuildResult } from './build.js';
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
