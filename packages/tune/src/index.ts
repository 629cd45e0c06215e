// @hakmem/tune: `hakmem tune`'s engine. runTune measures a command under candidate variants and
// writes the winner into the config; the rest are the pieces the CLI parses its options with.
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
} from './run.js';
export { GOALS, type Goal, type Change } from './candidates.js';
export { parseMetric, type Metric } from './metric.js';
export { renderVariant, insertVariant, writeVariant, type NewVariant } from './config-edit.js';
