/** What a run measured, merged across workers: the input of src/report. */
import type { ResourceOutcome } from '../safety/resource-store.js';

export const LATENCY_NAMES = ['acquire', 'acquireService', 'hold', 'endToEnd'] as const;
/**
 * acquire: intended start → grant (coordinated omission corrected);
 * acquireService: first attempt → grant; hold: grant → release; endToEnd: intended start → release.
 */
export type LatencyName = (typeof LATENCY_NAMES)[number];

export const TOTAL_NAMES = [
  'arrivals', 'attempts', 'acquired', 'failed', 'timeouts', 'errors', 'dropped', 'cancelled',
  'contended', 'released', 'expired', 'renewals', 'lostLeases', 'violations', 'rejected',
  'partialReleases',
] as const;
export type TotalName = (typeof TOTAL_NAMES)[number];
/**
 * arrivals = acquired + failed + dropped + cancelled (nothing is lost silently);
 * failed = timeouts + errors + rejected (failed fast by an open circuit breaker);
 * cancelled = waiting when the run was stopped. violations = every safety failure the
 * checkers saw (see RunMeasurements.safety). In lock mode multi, acquired counts requests
 * that got all their keys, released/expired/lostLeases count leases, and partialReleases
 * counts leases given back because a later key of the same request was not granted.
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
  /** acquire attempts sent to the backend in this second (the retry storm) */
  readonly attempts?: number;
  /** requests failed fast by an open circuit breaker in this second */
  readonly rejected?: number;
  /** worker threads whose circuit breaker was open or half-open at the end of the second */
  readonly breakerOpen?: number;
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

/** Two holders of one key at once, seen by the ground-truth interval checker. */
export interface OverlapExample {
  readonly key: string;
  /** client ids (arrival sequence numbers in the open model, user ids in the closed one) */
  readonly holders: readonly [string, string];
  /** ms after the run's start when the second holder was granted */
  readonly atMs: number;
  /** how long both held the key: from the later grant to the earlier release, ms */
  readonly overlapMs?: number;
}

/** A distribution of whole numbers (acquire attempts per request). */
export interface CountSummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** A circuit breaker changed state. */
export interface BreakerTransition {
  /** ms after the run's start */
  readonly atMs: number;
  readonly worker: number;
  readonly from: 'closed' | 'open' | 'half-open';
  readonly to: 'closed' | 'open' | 'half-open';
}

/** Retries: what each request cost in attempts, and what the circuit breakers did. */
export interface RetryMeasurements {
  /** attempts made by each request that got its lock(s) */
  readonly perGrant: CountSummary;
  /** attempts made by each request that failed (timeouts, errors, rejected by the breaker) */
  readonly perFailure: CountSummary;
  /** state changes of the workers' circuit breakers, in time order (the first 500) */
  readonly breakerTransitions: readonly BreakerTransition[];
}

/** A holder that crashed while holding: its key stayed locked until the lease ran out. */
export interface CrashExample {
  readonly key: string;
  readonly client: string;
  /** ms after the run's start */
  readonly atMs: number;
  /** how long the lock outlived its holder: lease expiry − crash, ms (0 without a lock) */
  readonly ghostMs: number;
}

/** What the faults of the scenario did. */
export interface FaultMeasurements {
  /** per fault of the scenario (same order): clients paused or crashed, or worker threads blocked */
  readonly hits: readonly number[];
  /** crashed holders and the locks they left behind (ghost reservations) */
  readonly crashes: {
    readonly count: number;
    /** lease expiry − crash, summed and at most, ms */
    readonly ghostMsTotal: number;
    readonly ghostMsMax: number;
    /** crashed keys granted again to another client, and how long after the crash, ms */
    readonly reclaimed: number;
    readonly reclaimedAfterMsTotal: number;
    readonly reclaimedAfterMsMax: number;
    readonly examples: readonly CrashExample[];
  };
}

/** What the safety checkers saw. */
export interface SafetyMeasurements {
  /** grants made while another client still believed it held the key */
  readonly overlaps: number;
  /** time during which some key had two or more holders, summed over keys, ms */
  readonly overlapMs?: number;
  /**
   * Whether overlaps count as violations: yes, unless the protected store enforces fencing,
   * which makes an overlapping holder's late write harmless (it is rejected and counted).
   */
  readonly overlapsCounted?: boolean;
  /** the first overlapping pairs, in time order */
  readonly examples: readonly OverlapExample[];
  /** the protected state at the end of the run; absent without `resource:` */
  readonly resource?: ResourceOutcome;
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
  readonly safety: SafetyMeasurements;
  /** attempts per request and circuit-breaker history; absent in reports from before they were measured */
  readonly retries?: RetryMeasurements;
  /** absent when the scenario has no faults */
  readonly faults?: FaultMeasurements;
  readonly generator: { readonly workers: readonly WorkerHealth[] };
  /** backend-specific counters (LockBackend.stats), summed across workers by name */
  readonly backendStats: Readonly<Record<string, number>>;
}
