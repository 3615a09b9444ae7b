/** src/report: report.json, console and markdown summaries, thresholds, writing to disk. */
export type {
  Report,
  ReportBackend,
  ReportGenerator,
  ReportPhase,
  ReportQueueing,
  ReportRates,
  ReportSafety,
  ThresholdResult,
} from './types.js';
export { REPORT_SCHEMA_VERSION } from './types.js';
export { buildReport, computeQueueing, computeRates } from './build.js';
export type { BuildReportInput } from './build.js';
export { redactSecrets, redactText, isSecretKey, REDACTED } from './redact.js';
export { formatCount, formatMs, formatNumber, formatPercent, formatRate } from './format.js';
export { formatConsoleSummary } from './console.js';
export { formatMarkdownSummary } from './markdown.js';
export { evaluateThresholds, failedThresholds, readMetric } from './thresholds.js';
export { GENERATOR_LIMITS, LITTLE_ERROR_LIMIT, isGeneratorSaturated } from './warnings.js';
export { REPORT_FILES, renderReport, utcStamp, writeReport, writeReportToDir } from './write.js';
export type { WriteReportOptions, WrittenReport } from './write.js';
