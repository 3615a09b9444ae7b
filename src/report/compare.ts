/** Two reports side by side: what changed, and whether a gated metric regressed beyond the tolerance. */
import { readMetric } from './thresholds.js';
import type { Report } from './types.js';

/** Which way is better for a compared metric. */
export type Better = 'lower' | 'higher';

/** A metric compared between two reports. */
export interface ComparedMetric {
  /** dotted report.json path */
  readonly metric: string;
  /** how the table names it */
  readonly label: string;
  readonly better: Better;
  /** a regression of this metric fails the gate (exit 99); the others are shown only */
  readonly gated: boolean;
  /** left out when neither report has it (reports of older versions) */
  readonly optional?: boolean;
}

/** What `compare` and `--baseline` show: acquire p50/p99/p99.9, throughput, success rate, violations, attempts per acquisition. */
export const COMPARED_METRICS: readonly ComparedMetric[] = [
  { metric: 'latency.acquire.p50', label: 'acquire p50', better: 'lower', gated: false },
  { metric: 'latency.acquire.p99', label: 'acquire p99', better: 'lower', gated: true },
  { metric: 'latency.acquire.p999', label: 'acquire p99.9', better: 'lower', gated: false },
  { metric: 'rates.throughput', label: 'throughput', better: 'higher', gated: true },
  { metric: 'rates.successRate', label: 'success rate', better: 'higher', gated: false },
  { metric: 'totals.violations', label: 'violations', better: 'lower', gated: false },
  { metric: 'retries.attemptsPerAcquisition', label: 'attempts/acquisition', better: 'lower', gated: false, optional: true },
];

/** One row of a comparison. */
export interface ComparisonRow extends ComparedMetric {
  readonly base: number | null;
  readonly next: number | null;
  /** (next − base) / base; null when either is missing or base is 0 */
  readonly change: number | null;
  /** worse than the base by more than the tolerance (from 0, any step the wrong way) */
  readonly worse: boolean;
  /** better than the base by more than the tolerance */
  readonly improved: boolean;
  /** a gated metric got worse beyond the tolerance */
  readonly regression: boolean;
}

/** Which run a side of the comparison is. */
export interface ComparedRun {
  readonly scenario: string;
  readonly mode: string;
  readonly backend: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly interrupted: boolean;
  /** the report file, when it was read from one */
  readonly file?: string;
}

/** A comparison of a new report with a base one. */
export interface ReportComparison {
  readonly base: ComparedRun;
  readonly next: ComparedRun;
  /** allowed relative change for the worse, e.g. 0.1 = 10% */
  readonly tolerance: number;
  readonly rows: readonly ComparisonRow[];
  /** some gated row regressed */
  readonly regressed: boolean;
  /** what a reader should know before trusting the comparison (different scenarios, interrupted runs) */
  readonly notes: readonly string[];
}

/** report.json `baseline`: the comparison with `--baseline`, which fails the run when `regressed`. */
export type BaselineGate = ReportComparison & { readonly file: string };

/** Compares `next` with `base`; a gated metric worse by more than `tolerance` (0.1 = 10%) is a regression. */
export function compareReports(base: Report, next: Report, options: { tolerance: number; baseFile?: string; nextFile?: string }): ReportComparison {
  const { tolerance } = options;
  const present = COMPARED_METRICS.filter((compared) => !compared.optional || readMetric(base, compared.metric) !== null || readMetric(next, compared.metric) !== null);
  const rows = present.map((compared): ComparisonRow => {
    const before = readMetric(base, compared.metric);
    const after = readMetric(next, compared.metric);
    const change = before === null || after === null || before === 0 ? null : (after - before) / before;
    const worse = before !== null && after !== null && isWorse(compared.better, before, after, tolerance);
    const improved = before !== null && after !== null && isWorse(compared.better, after, before, tolerance);
    return { ...compared, base: before, next: after, change, worse, improved, regression: compared.gated && worse };
  });
  return {
    base: describeRun(base, options.baseFile),
    next: describeRun(next, options.nextFile),
    tolerance,
    rows,
    regressed: rows.some((row) => row.regression),
    notes: comparisonNotes(base, next),
  };
}

/** `after` is worse than `before` by more than the tolerance; from 0 any step the wrong way counts. */
function isWorse(better: Better, before: number, after: number, tolerance: number): boolean {
  if (better === 'lower') return before === 0 ? after > 0 : after > before * (1 + tolerance);
  return before === 0 ? false : after < before * (1 - tolerance);
}

function describeRun(report: Report, file: string | undefined): ComparedRun {
  return {
    scenario: report.scenario.name,
    mode: report.mode,
    backend: report.backend.type,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    interrupted: report.interrupted,
    ...(file !== undefined && { file }),
  };
}

function comparisonNotes(base: Report, next: Report): string[] {
  const notes: string[] = [];
  if (base.scenario.name !== next.scenario.name) notes.push(`different scenarios: '${base.scenario.name}' and '${next.scenario.name}'`);
  else if (base.scenario.sha256 !== next.scenario.sha256) notes.push(`the scenario file changed between the runs (sha256 ${base.scenario.sha256.slice(0, 12)} → ${next.scenario.sha256.slice(0, 12)})`);
  if (base.mode !== next.mode) notes.push(`comparing a '${base.mode}' report with a '${next.mode}' one`);
  if (base.interrupted) notes.push('the base run was stopped early: its numbers cover only part of the schedule');
  if (next.interrupted) notes.push('the new run was stopped early: its numbers cover only part of the schedule');
  return notes;
}

/**
 * Parses a tolerance as given on the command line: `10%` → 0.1.
 * Throws an Error saying what is allowed.
 */
export function parseTolerance(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  if (!match) throw new Error(`expected a percentage such as 10% or 2.5%, got '${text}'`);
  return Number(match[1]) / 100;
}
