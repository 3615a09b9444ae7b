/** matrix.json: the variants of one scenario side by side, one row each, with where each variant's report went. */
import { redactSecrets } from './redact.js';
import type { Report, ThresholdResult } from './types.js';

export const MATRIX_SCHEMA_VERSION = 1 as const;

/** complete; interrupted (Ctrl-C: partial report); aborted (an abortOnFail threshold stopped it: partial); not-run (skipped after Ctrl-C). */
export type VariantStatus = 'complete' | 'interrupted' | 'aborted' | 'not-run';

/** A variant as the scenario file lists it. */
export interface MatrixVariant {
  readonly name: string;
  readonly description: string;
  /** what it changes: dotted path → value */
  readonly set: Readonly<Record<string, unknown>>;
}

/** One variant's headline figures (null when it did not run) and where its report is. */
export interface MatrixRow extends MatrixVariant {
  readonly status: VariantStatus;
  /** its folder, relative to the matrix folder; null when not run */
  readonly dir: string | null;
  /** its report.json, relative to the matrix folder; null when not run or not written (--format without json) */
  readonly report: string | null;
  /** rates.throughput: acquired per second */
  readonly throughput: number | null;
  readonly acquireP50Ms: number | null;
  readonly acquireP99Ms: number | null;
  readonly successRate: number | null;
  readonly timeouts: number | null;
  readonly violations: number | null;
  /** totals.attempts: acquire attempts, retries included */
  readonly attempts: number | null;
  /** retries.attemptsPerAcquisition: the retry storm in one number */
  readonly attemptsPerAcquisition: number | null;
  /** retries.rejected: requests an open circuit breaker failed fast */
  readonly rejected: number | null;
  /** its thresholds: how many, and the ones that failed; null when not run */
  readonly thresholds: { readonly total: number; readonly failed: readonly ThresholdResult[] } | null;
  /** report.warnings.length */
  readonly warnings: number | null;
}

/** matrix.json of `lockbench run|simulate` on a scenario with `matrix:`. */
export interface MatrixReport {
  readonly schemaVersion: typeof MATRIX_SCHEMA_VERSION;
  readonly kind: 'matrix';
  readonly mode: Report['mode'];
  readonly tool: { readonly name: 'lockbench'; readonly version: string };
  readonly scenario: { readonly name: string; readonly description: string; readonly file: string; readonly sha256: string };
  /** ISO 8601, UTC */
  readonly startedAt: string;
  readonly endedAt: string;
  /** Ctrl-C stopped the matrix: the variant running then is partial, the rest did not run */
  readonly interrupted: boolean;
  /** in the order they ran (the file's) */
  readonly variants: readonly MatrixRow[];
}

/** The row of a variant that ran; `dir` and `reportFile` are relative to the matrix folder. */
export function ranRow(variant: MatrixVariant, report: Report, where: { readonly dir: string; readonly reportFile: string | null }): MatrixRow {
  return {
    ...describedVariant(variant),
    status: report.abortedBy ? 'aborted' : report.interrupted ? 'interrupted' : 'complete',
    dir: where.dir,
    report: where.reportFile,
    throughput: report.rates.throughput,
    acquireP50Ms: report.latency.acquire.p50,
    acquireP99Ms: report.latency.acquire.p99,
    successRate: report.rates.successRate,
    timeouts: report.totals.timeouts,
    violations: report.totals.violations,
    attempts: report.totals.attempts,
    attemptsPerAcquisition: report.retries?.attemptsPerAcquisition ?? null,
    rejected: report.retries?.rejected ?? null,
    thresholds: { total: report.thresholds.length, failed: report.thresholds.filter((threshold) => !threshold.pass) },
    warnings: report.warnings.length,
  };
}

/** The row of a variant skipped after Ctrl-C. */
export function notRunRow(variant: MatrixVariant): MatrixRow {
  return {
    ...describedVariant(variant),
    status: 'not-run',
    dir: null,
    report: null,
    throughput: null,
    acquireP50Ms: null,
    acquireP99Ms: null,
    successRate: null,
    timeouts: null,
    violations: null,
    attempts: null,
    attemptsPerAcquisition: null,
    rejected: null,
    thresholds: null,
    warnings: null,
  };
}

/** What a matrix report is made of besides its rows. */
export interface MatrixReportInput {
  readonly scenario: MatrixReport['scenario'];
  readonly mode: Report['mode'];
  readonly toolVersion: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly interrupted: boolean;
  readonly rows: readonly MatrixRow[];
}

/** matrix.json's content (secrets in the file path redacted like a report's). */
export function buildMatrixReport(input: MatrixReportInput): MatrixReport {
  return {
    schemaVersion: MATRIX_SCHEMA_VERSION,
    kind: 'matrix',
    mode: input.mode,
    tool: { name: 'lockbench', version: input.toolVersion },
    scenario: { ...input.scenario, file: redactSecrets(input.scenario.file) },
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
    interrupted: input.interrupted,
    variants: input.rows,
  };
}

// a variant may set a backend URL or password: matrix.json shows what it set, redacted
function describedVariant(variant: MatrixVariant): MatrixVariant {
  return { name: variant.name, description: variant.description, set: redactSecrets(variant.set) };
}
