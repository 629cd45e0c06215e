// @hakmem/profile: `hakmem profile`'s engine. runProfile runs a command under a sampling variant
// and writes its heap profile; writeProfileReport turns raw profiles already written into one.
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
} from './run.js';
export { parseRate } from './rate.js';
