/** src/report: report.json, console/markdown/HTML summaries, hgrm/csv/junit files, thresholds, comparisons, writing to disk. */
export type {
  Report,
  ReportAbort,
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
export { formatConsoleComparison, formatConsoleSummary } from './console.js';
export { formatMarkdownComparison, formatMarkdownSummary } from './markdown.js';
export { formatHtmlReport } from './html/page.js';
export { formatSeriesCsv, SERIES_CSV_COLUMNS } from './csv.js';
export { formatJunit } from './junit.js';
export { formatHgrm, hgrmFileName, hgrmFiles, HGRM_SCALING_RATIO, parseHgrm, valueAtPercentile } from './hgrm.js';
export type { HgrmRow, PercentileDistribution } from './hgrm.js';
export { evaluateThresholds, failedThresholds, readMetric } from './thresholds.js';
export { abortingThreshold, cannotPassAnyMore } from './live-gate.js';
export type { LiveTotals } from './live-gate.js';
export { COMPARED_METRICS, compareReports, parseTolerance } from './compare.js';
export type { BaselineGate, ComparedMetric, ComparisonRow, ReportComparison } from './compare.js';
export { parseReport, readReportFile, resolveReportPath } from './load.js';
export { GENERATOR_LIMITS, LITTLE_ERROR_LIMIT, isGeneratorSaturated } from './warnings.js';
export { claimFolder, REPORT_FILES, renderReportFiles, safeFileName, utcStamp, writeAtomically, writeReport, writeReportToDir } from './write.js';
export type { RenderedFile, WriteReportOptions, WrittenReport } from './write.js';
