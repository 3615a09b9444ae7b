/** report.json, schemaVersion 1 (DESIGN.md "report.json"), plus the additions documented below. */
import type { BackendOutage } from './outages.js';
import type { ResourceOutcome } from '../safety/resource-store.js';
import type { FaultSpec } from '../scenario/types.js';
import type {
  BreakerTransition,
  CountSummary,
  CrashExample,
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

/** What totals.violations sums, checker by checker. */
export interface ReportViolations {
  /** overlapping holders, when they count (not neutralised by a fencing store) */
  readonly overlaps: number;
  readonly oversells: number;
  readonly doubleBookings: number;
  readonly lostUpdates: number;
  readonly negativeBalances: number;
  readonly staleWritesAccepted: number;
}

/**
 * Safety against ground truth: mutual exclusion checked on the interval board (every grant
 * and release stamped on one monotonic clock shared by the workers), and, with `resource:`,
 * the protected state checked against what really happened to it.
 */
export interface ReportSafety {
  readonly checked: true;
  /** interval-overlap (holder-counter in reports of older versions) */
  readonly method: 'interval-overlap' | 'holder-counter';
  /** grants made while another client still believed it held the key */
  readonly overlaps: number;
  /** addition: time during which some key had two or more holders, summed over keys, ms */
  readonly overlapMs?: number;
  /** addition: false when a fencing store neutralises overlaps (they are reported, not counted as violations) */
  readonly overlapsCounted?: boolean;
  /** the first overlapping pairs: key, clients, when, and for how long */
  readonly examples: readonly OverlapExample[];
  /** addition: the protected state against its ground truth; absent without `resource:` */
  readonly resource?: ResourceOutcome;
  /** addition: what totals.violations sums */
  readonly violations?: ReportViolations;
}

/** addition: what the retry policy cost, and what the circuit breakers did. */
export interface ReportRetries {
  readonly strategy: string;
  /** acquire attempts per granted request, over the run (the retry storm in one number) */
  readonly attemptsPerAcquisition: number;
  /** attempts made by each request that got its lock(s) */
  readonly perGrant: CountSummary;
  /** attempts made by each request that failed */
  readonly perFailure: CountSummary;
  /** requests failed fast by an open breaker */
  readonly rejected: number;
  /** present with strategy circuit-breaker */
  readonly breaker?: {
    /** times a breaker opened (all workers) */
    readonly opened: number;
    readonly transitions: readonly BreakerTransition[];
  };
}

/** addition: one fault of the scenario and whom it hit. */
export interface ReportFault extends FaultSpec {
  /** clients paused or crashed, or worker threads blocked */
  readonly hits: number;
}

/** addition: the faults of the scenario, and the locks crashed holders left behind. */
export interface ReportFaults {
  readonly windows: readonly ReportFault[];
  readonly crashes: {
    readonly count: number;
    /** how long the keys stayed locked after their holder crashed (lease expiry − crash), ms */
    readonly blockedTotalMs: number;
    readonly blockedMeanMs: number;
    readonly blockedMaxMs: number;
    /** crashed keys another client got later, and how long after the crash */
    readonly reclaimed: number;
    readonly reclaimedAfterMeanMs: number;
    readonly reclaimedAfterMaxMs: number;
    readonly examples: readonly CrashExample[];
  };
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
  /** addition: attempts per request and circuit-breaker history */
  readonly retries?: ReportRetries;
  /** addition: the scenario's faults; absent when it has none */
  readonly faults?: ReportFaults;
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
