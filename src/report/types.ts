/** report.json, schemaVersion 1 (DESIGN.md "report.json"), plus the additions documented below. */
import type { BackendOutage } from './outages.js';
import type {
  HoldMixEntry,
  LatencyName,
  LatencySummary,
  LatencyWithHdr,
  OverlapExample,
  SeriesPoint,
  Totals,
  WorkerHealth,
} from '../metrics/types.js';
import type { ResolvedScenario, ThresholdSpec } from '../scenario/types.js';
import type { BaselineGate } from './compare.js';

export const REPORT_SCHEMA_VERSION = 1 as const;

/** Ratios derived from totals over a length of time. */
export interface ReportRates {
  /** acquired per second */
  readonly throughput: number;
  /** acquired / (acquired + failed); 1 when nothing completed */
  readonly successRate: number;
  /** timeouts / (acquired + failed); 0 when nothing completed */
  readonly timeoutRate: number;
  /** contended / attempts; 0 when nothing was attempted */
  readonly contentionRate: number;
}

/** The waiting stage seen through Little's law (L = λW). */
export interface ReportQueueing {
  /** arrivals per second */
  readonly arrivalRate: number;
  /** addition to the schema: waits that ended (acquired + failed) per second, the λ of littleL */
  readonly completionRate: number;
  /** mean wait of every completed request, ms (the W of littleL) */
  readonly meanWaitMs: number;
  /** completionRate · meanWaitMs / 1000 */
  readonly littleL: number;
  /** time-averaged number of waiters, integrated exactly at every change on each worker */
  readonly measuredL: number;
  /** |littleL − measuredL| / measuredL; 0 when both are 0, null when only measuredL is 0 */
  readonly littleError: number | null;
  /** peak number of waiters sampled */
  readonly maxWaiters: number;
  /** mean per-key utilisation ρ: holdTotalMs / (durationMs · resources.count) */
  readonly utilization: number;
}

/** One phase of the schedule: its arrivals' totals, rates over the phase length, and latency (no hdr). */
export interface ReportPhase {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly totals: Totals;
  readonly rates: ReportRates;
  readonly latency: Readonly<Record<LatencyName, LatencySummary>>;
}

/** Mutual exclusion checked against the ground-truth holder counter. */
export interface ReportSafety {
  readonly checked: true;
  readonly method: 'holder-counter';
  readonly overlaps: number;
  readonly examples: readonly OverlapExample[];
}

/** One threshold of the scenario, evaluated against this report. */
export interface ThresholdResult {
  readonly metric: string;
  readonly op: ThresholdSpec['op'];
  readonly value: number;
  /** the number at `metric`; null when the path holds no number */
  readonly actual: number | null;
  readonly pass: boolean;
  /** the condition as written, e.g. "< 100ms" */
  readonly source: string;
  /** addition: the threshold may stop the run early (see ReportAbort) */
  readonly abortOnFail?: boolean;
}

/** addition: a threshold with abortOnFail stopped the run because it could no longer pass. */
export interface ReportAbort {
  /** the threshold's metric, e.g. totals.violations */
  readonly metric: string;
  /** its condition as written, e.g. "== 0" */
  readonly source: string;
  /** the live value that sealed the verdict */
  readonly actual: number;
  /** ms after the run's start */
  readonly atMs: number;
}

/** Health of the load generator: did the workers, rather than the backend, limit the run? */
export interface ReportGenerator {
  readonly workers: readonly WorkerHealth[];
  /** some worker crossed a saturation limit (see GENERATOR_LIMITS); `warnings` says which */
  readonly saturated: boolean;
}

/** A backend's non-secret description; `type` always present. */
export interface ReportBackend {
  readonly type: string;
  /** what a reader must know about the backend's semantics (e.g. no TTL) */
  readonly notes?: readonly string[];
  /** addition: backend-specific counters (per-node errors, connections lost…), summed over workers */
  readonly stats?: Readonly<Record<string, number>>;
  /** addition: seconds in which operations failed with errors and nothing was granted */
  readonly outages: readonly BackendOutage[];
  readonly [field: string]: unknown;
}

/** report.json of `lockbench run`. */
export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** addition: what produced the report: `lockbench run`, or (later) `lockbench simulate` */
  readonly mode: 'run' | 'simulated';
  readonly tool: { readonly name: 'lockbench'; readonly version: string };
  readonly scenario: {
    readonly name: string;
    readonly description: string;
    /** the file path as given ('<inline>' for text) */
    readonly file: string;
    readonly sha256: string;
    /** the resolved scenario with secrets redacted */
    readonly resolved: ResolvedScenario;
  };
  /** secrets redacted */
  readonly backend: ReportBackend;
  /** ISO 8601, UTC */
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  /** addition: the run was stopped early; everything measured until then is here */
  readonly interrupted: boolean;
  readonly environment: {
    /** process.version */
    readonly node: string;
    readonly platform: string;
    readonly arch: string;
    readonly cpus: number;
    readonly workers: number;
  };
  /**
   * Includes the addition `cancelled` (arrivals still waiting when the run was stopped):
   * arrivals = acquired + failed + dropped + cancelled.
   */
  readonly totals: Totals;
  readonly rates: ReportRates;
  readonly latency: Readonly<Record<LatencyName, LatencyWithHdr>>;
  readonly queueing: ReportQueueing;
  /** addition: hold time per named component of a `mix` hold distribution */
  readonly holdMix: readonly HoldMixEntry[];
  readonly phases: readonly ReportPhase[];
  readonly series: readonly SeriesPoint[];
  readonly safety: ReportSafety;
  /** addition: load-generator health per worker */
  readonly generator: ReportGenerator;
  readonly thresholds: readonly ThresholdResult[];
  /** addition: set when a threshold with abortOnFail stopped the run (then `interrupted` is true too) */
  readonly abortedBy?: ReportAbort;
  /** addition: the comparison with `--baseline`, when one was given */
  readonly baseline?: BaselineGate;
  /** each one says what happened and what to do about it */
  readonly warnings: readonly string[];
}
