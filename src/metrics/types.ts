/** What a run measured, merged across workers: the input of src/report. */

export const LATENCY_NAMES = ['acquire', 'acquireService', 'hold', 'endToEnd'] as const;
/**
 * acquire: intended start → grant (coordinated omission corrected);
 * acquireService: first attempt → grant; hold: grant → release; endToEnd: intended start → release.
 */
export type LatencyName = (typeof LATENCY_NAMES)[number];

export const TOTAL_NAMES = [
  'arrivals', 'attempts', 'acquired', 'failed', 'timeouts', 'errors', 'dropped', 'cancelled',
  'contended', 'released', 'expired', 'renewals', 'lostLeases', 'violations',
] as const;
export type TotalName = (typeof TOTAL_NAMES)[number];
/**
 * arrivals = acquired + failed + dropped + cancelled (nothing is lost silently);
 * failed = timeouts + errors; cancelled = waiting when the run was stopped.
 */
export type Totals = Record<TotalName, number>;

/** A latency distribution in ms (values were recorded in µs). */
export interface LatencySummary {
  readonly unit: 'ms';
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly stdev: number;
  readonly max: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly p9999: number;
}

/** A summary plus the histogram itself: HdrHistogram V2 compressed, base64, values in µs. */
export interface LatencyWithHdr extends LatencySummary {
  readonly hdr: string;
}

export interface PhaseMeasurements {
  readonly name: string;
  /** ms after the run's start */
  readonly startMs: number;
  readonly endMs: number;
  /** of the arrivals whose intended start fell in this phase */
  readonly totals: Totals;
  readonly latency: Record<LatencyName, LatencySummary>;
}

/** One second of the run, all workers together. */
export interface SeriesPoint {
  /** seconds since the run's start (0 = the first second) */
  readonly t: number;
  readonly arrivals: number;
  readonly acquired: number;
  /** failed = timeouts + errors */
  readonly failed: number;
  readonly timeouts: number;
  /** backend operations that threw (server down, command timeout) */
  readonly errors: number;
  /** admitted requests at the end of the second */
  readonly inFlight: number;
  /** requests waiting for a lock (backlog + acquiring) at the end of the second */
  readonly waiters: number;
  /** acquire latency of the grants in this second, ms */
  readonly p50: number;
  readonly p99: number;
}

/** Hold time split by the named components of a `mix`. */
export interface HoldMixEntry {
  readonly name: string;
  readonly weight: number;
  readonly count: number;
  /** count / all holds */
  readonly share: number;
  readonly hold: LatencySummary;
}

/** Two holders of one key at once, seen by the ground-truth holder counter. */
export interface OverlapExample {
  readonly key: string;
  /** client ids, `w<worker>c<client>` */
  readonly holders: readonly [string, string];
  /** ms after the run's start when the second holder was granted */
  readonly atMs: number;
}

export interface WorkerHealth {
  readonly index: number;
  /** event-loop delay of the worker thread */
  readonly eventLoopLagP99Ms: number;
  readonly eventLoopLagMaxMs: number;
  /** event-loop utilisation of the thread, % of wall time it was busy (100 = never idle) */
  readonly busyPercent: number;
  /** worst lateness of dispatching an arrival after its intended start */
  readonly maxDispatchLagMs: number;
  /** the first error a backend operation threw on this worker, if any */
  readonly firstError?: string;
}

export interface RunMeasurements {
  /** wall clock (epoch ms) at the run's start, for startedAt/endedAt */
  readonly startedAtEpochMs: number;
  /** measured length of the run, ms */
  readonly durationMs: number;
  /** the run was stopped early (Ctrl-C); what was measured is all here */
  readonly interrupted: boolean;
  readonly workers: number;
  readonly totals: Totals;
  readonly latency: Record<LatencyName, LatencyWithHdr>;
  readonly phases: readonly PhaseMeasurements[];
  readonly series: readonly SeriesPoint[];
  readonly holdMix: readonly HoldMixEntry[];
  /** the waiting stage, for Little's law: completions = acquired + failed, mean wait of all of them */
  readonly wait: { readonly completions: number; readonly meanMs: number };
  /**
   * Requests waiting for a lock, integrated exactly over time on each worker and
   * summed across workers: the time-average (Little's measured L) and the peak
   * (the sum of per-worker peaks: exact for one worker, an upper bound otherwise).
   */
  readonly waiters: { readonly timeAverage: number; readonly max: number };
  /** sum of all hold times, ms (for utilisation) */
  readonly holdTotalMs: number;
  readonly safety: { readonly overlaps: number; readonly examples: readonly OverlapExample[] };
  readonly generator: { readonly workers: readonly WorkerHealth[] };
  /** backend-specific counters (LockBackend.stats), summed across workers by name */
  readonly backendStats: Readonly<Record<string, number>>;
}
