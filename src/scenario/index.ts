/** Scenario files: load, validate and resolve them (see DESIGN.md "Scenario file"). */
export { loadScenarioFile, loadScenarioText, type LoadOptions } from './load.js';
export { parseDuration, formatDuration } from './duration.js';
export { REPORT_METRIC_PATHS } from './thresholds.js';
export type * from './types.js';
