/** Flags about reports and gates, parsed into what the core takes; bad values are UsageErrors (exit 2). */
import { UsageError } from '../errors.js';
import { parseTolerance } from '../report/index.js';
import { parseThresholdArgument } from '../scenario/thresholds.js';
import { REPORT_FORMATS } from '../scenario/schema.js';
import type { ReportFormat, ResolvedScenario, ThresholdSpec } from '../scenario/types.js';
import { phaseWindows } from '../workload/timeline.js';

/** `--format html,md` → formats; `fallback` when the flag is absent. */
export function parseFormats(list: string | undefined, fallback: readonly ReportFormat[]): readonly ReportFormat[] {
  if (list === undefined) return fallback;
  const formats = list.split(',').map((format) => format.trim()).filter(Boolean);
  if (formats.length === 0) throw new UsageError(`--format '${list}': name at least one format (allowed: ${REPORT_FORMATS.join(', ')})`);
  for (const format of formats) {
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format ${list}: '${format}' is not a format (allowed: ${REPORT_FORMATS.join(', ')})`);
    }
  }
  return formats as ReportFormat[];
}

/**
 * The scenario's thresholds with the `--threshold` ones applied: a command-line threshold on a metric
 * replaces the scenario's thresholds on that metric (to tighten or loosen a gate for one run), others are added.
 */
export function withCliThresholds(scenario: ResolvedScenario, texts: readonly string[]): readonly ThresholdSpec[] {
  if (texts.length === 0) return scenario.thresholds;
  const phaseNames = phaseWindows(scenario).map((window) => window.name);
  const fromCli = texts.map((text) => {
    try {
      return parseThresholdArgument(text, phaseNames);
    } catch (error) {
      throw new UsageError(`--threshold '${text}': ${(error as Error).message}`);
    }
  });
  const replaced = new Set(fromCli.map((spec) => spec.metric));
  return [...scenario.thresholds.filter((spec) => !replaced.has(spec.metric)), ...fromCli];
}

/** `--max-regression 10%` → 0.1. */
export function parseMaxRegression(text: string): number {
  try {
    return parseTolerance(text);
  } catch (error) {
    throw new UsageError(`--max-regression ${text}: ${(error as Error).message}`);
  }
}

/** The default tolerance of `--baseline` and `compare`. */
export const DEFAULT_MAX_REGRESSION = '10%';
