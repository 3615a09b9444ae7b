/** The safety, retry and fault sections of report.json, from what the run measured. */
import type { FaultMeasurements, RunMeasurements } from '../metrics/types.js';
import type { ResourceOutcome } from '../safety/resource-store.js';
import type { FaultSpec, RetrySpec } from '../scenario/types.js';
import type { ReportFaults, ReportRetries, ReportSafety, ReportViolations } from './types.js';

/** Mutual exclusion and the protected state, with what totals.violations sums. */
export function buildSafety(measurements: RunMeasurements): ReportSafety {
  const { safety } = measurements;
  const overlapsCounted = safety.overlapsCounted ?? true;
  return {
    checked: true,
    method: 'interval-overlap',
    overlaps: safety.overlaps,
    overlapMs: safety.overlapMs ?? 0,
    overlapsCounted,
    examples: safety.examples,
    ...(safety.resource && { resource: safety.resource }),
    violations: violationsOf(overlapsCounted ? safety.overlaps : 0, safety.resource),
  };
}

function violationsOf(overlaps: number, resource: ResourceOutcome | undefined): ReportViolations {
  return {
    overlaps,
    oversells: resource?.type === 'inventory' ? resource.oversells : 0,
    doubleBookings: resource?.type === 'seat' ? resource.doubleBookings : 0,
    lostUpdates: resource?.type === 'counter' ? resource.lostUpdates : 0,
    negativeBalances: resource?.type === 'wallet' ? resource.negativeBalances : 0,
    staleWritesAccepted: resource?.staleWritesAccepted ?? 0,
  };
}

/** Attempts per acquisition and the breakers' history; undefined for a report without them. */
export function buildRetries(measurements: RunMeasurements, retry: RetrySpec): ReportRetries | undefined {
  const { retries, totals } = measurements;
  if (!retries) return undefined;
  const breaker = retry.strategy === 'circuit-breaker';
  return {
    strategy: breaker ? `circuit-breaker (${retry.backoff.strategy})` : retry.strategy,
    attemptsPerAcquisition: totals.acquired > 0 ? totals.attempts / totals.acquired : 0,
    perGrant: retries.perGrant,
    perFailure: retries.perFailure,
    rejected: totals.rejected ?? 0,
    ...(breaker && {
      breaker: {
        opened: retries.breakerTransitions.filter((transition) => transition.to === 'open').length,
        transitions: retries.breakerTransitions,
      },
    }),
  };
}

/** The faults with their hits, and the blocked time of the locks crashed holders left behind. */
export function buildFaults(faults: FaultMeasurements | undefined, specs: readonly FaultSpec[]): ReportFaults | undefined {
  if (!faults || specs.length === 0) return undefined;
  const { crashes } = faults;
  return {
    windows: specs.map((spec, index) => ({ ...spec, hits: faults.hits[index] ?? 0 })),
    crashes: {
      count: crashes.count,
      blockedTotalMs: crashes.ghostMsTotal,
      blockedMeanMs: crashes.count > 0 ? crashes.ghostMsTotal / crashes.count : 0,
      blockedMaxMs: crashes.ghostMsMax,
      reclaimed: crashes.reclaimed,
      reclaimedAfterMeanMs: crashes.reclaimed > 0 ? crashes.reclaimedAfterMsTotal / crashes.reclaimed : 0,
      reclaimedAfterMaxMs: crashes.reclaimedAfterMsMax,
      examples: crashes.examples,
    },
  };
}
