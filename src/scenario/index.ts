/** Scenario files: load, validate and resolve them (see DESIGN.md "Scenario file"), with their `matrix:` variants. */
export {
  loadScenarioFile,
  loadScenarioText,
  loadScenarioVariants,
  loadScenarioVariantsText,
  type LoadedScenarioFile,
  type LoadOptions,
} from './load.js';
export { variantReportName, type ScenarioVariant } from './matrix.js';
export { parseDuration, formatDuration } from './duration.js';
export { REPORT_METRIC_PATHS } from './thresholds.js';
export type * from './types.js';
