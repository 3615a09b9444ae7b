/** Warnings of a run: each says what went wrong with the measurement and what to do about it. */
import type { WorkerHealth } from '../metrics/types.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { plannedDurationMs } from '../workload/timeline.js';
import { formatCount, formatMs, formatNumber, formatPercent } from './format.js';
import { redactText } from './redact.js';
import type { Report } from './types.js';

/** Beyond any of these, a worker (not the backend) may have been the bottleneck. */
export const GENERATOR_LIMITS = {
  eventLoopLagP99Ms: 50,
  /** event-loop utilisation, % of wall time busy */
  busyPercent: 95,
  maxDispatchLagMs: 100,
} as const;

/** Little's-law estimate and measured waiters may differ by this much before it is worth a warning. */
export const LITTLE_ERROR_LIMIT = 0.1;

/** True when some worker crossed a GENERATOR_LIMITS limit. */
export function isGeneratorSaturated(workers: readonly WorkerHealth[]): boolean {
  return workers.some((worker) => saturationSymptoms(worker).length > 0);
}

function saturationSymptoms(worker: WorkerHealth): string[] {
  const symptoms: string[] = [];
  if (worker.eventLoopLagP99Ms > GENERATOR_LIMITS.eventLoopLagP99Ms) {
    symptoms.push(`event-loop lag p99 ${formatMs(worker.eventLoopLagP99Ms)} (limit ${GENERATOR_LIMITS.eventLoopLagP99Ms}ms)`);
  }
  if (worker.busyPercent > GENERATOR_LIMITS.busyPercent) {
    symptoms.push(`event loop busy ${Math.round(worker.busyPercent)}% of the time (limit ${GENERATOR_LIMITS.busyPercent}%)`);
  }
  if (worker.maxDispatchLagMs > GENERATOR_LIMITS.maxDispatchLagMs) {
    symptoms.push(`arrivals dispatched up to ${formatMs(worker.maxDispatchLagMs)} late (limit ${GENERATOR_LIMITS.maxDispatchLagMs}ms)`);
  }
  return symptoms;
}

/** The warnings of a built report (thresholds are not needed and not read). */
export function collectWarnings(report: Report, scenario: ResolvedScenario): string[] {
  const warnings: string[] = [];
  const { totals, queueing } = report;

  const saturated = report.generator.workers
    .map((worker) => ({ index: worker.index, symptoms: saturationSymptoms(worker) }))
    .filter((worker) => worker.symptoms.length > 0)
    .map((worker) => `worker ${worker.index} ${worker.symptoms.join(', ')}`);
  if (saturated.length > 0) {
    const blocked = (scenario.faults ?? []).some((fault) => fault.type === 'event-loop-block');
    warnings.push(
      `the load generator, not the backend, may have limited this run: ${saturated.join('; ')}; ` +
        (blocked
          ? `this scenario blocks worker event loops on purpose (event-loop-block faults), which alone explains lag up to the fault's duration`
          : `latencies include the generator's own delay — use more workers (now ${report.environment.workers}), a lower rate, or a bigger machine`),
    );
  }
  if (report.abortedBy) {
    const abort = report.abortedBy;
    warnings.push(
      `the run was stopped after ${formatMs(report.durationMs)} of a planned ${formatMs(plannedDurationMs(scenario))} because ` +
        `${abort.metric} ${abort.source} could no longer pass (abortOnFail); the report covers only that part — fix the cause and rerun before comparing`,
    );
  } else if (report.interrupted) {
    warnings.push(
      `the run was interrupted after ${formatMs(report.durationMs)} of a planned ${formatMs(plannedDurationMs(scenario))}; ` +
        `the report covers only that part — rerun to completion before comparing or gating on it`,
    );
  }
  if (totals.dropped > 0) {
    warnings.push(
      `${formatCount(totals.dropped)} arrivals dropped: backlog full (maxBacklog=${formatCount(scenario.maxBacklog)}, ` +
        `maxInFlight=${formatCount(scenario.maxInFlight)}); the backend fell behind the schedule — lower the rate, or raise maxBacklog/maxInFlight to measure the queue instead`,
    );
  }
  if (totals.cancelled > 0) {
    warnings.push(
      `${formatCount(totals.cancelled)} arrivals were still waiting when the run stopped and were cancelled (not counted as failed); ` +
        `raise drainMs (now ${formatMs(scenario.drainMs)}) to let them finish`,
    );
  }
  if (totals.errors > 0) {
    const firstError = report.generator.workers.find((worker) => worker.firstError !== undefined)?.firstError;
    const outages = report.backend.outages.map((o) => `${o.fromS}s–${o.toS}s (${formatCount(o.errors)} errors)`);
    warnings.push(
      `${formatCount(totals.errors)} acquire attempts failed with a backend error (not a timeout)` +
        (outages.length > 0 ? `; the backend was unreachable (errors, no grants) in ${outages.join(', ')}` : '') +
        (firstError ? `; first error: ${redactText(firstError.split('\n')[0])}` : '') +
        `; check the backend's logs, connection limits and network before trusting the latencies`,
    );
  }
  const counted = report.safety.violations;
  if (totals.violations > 0 && scenario.lock.mode !== 'none') {
    const stale = counted?.staleWritesAccepted ?? 0;
    warnings.push(
      `safety was violated ${formatCount(totals.violations)} times (see safety.violations); ` +
        `check that the lock's TTL (${formatMs(scenario.lock.ttlMs)}) outlives the hold time or that leases are renewed, and that the backend is configured for safety` +
        (stale > 0 ? `; ${formatCount(stale)} writes came from holders whose lock had passed on: a fencing store (resource.fencing: true) rejects them` : ''),
    );
  }
  if (totals.expired > 0) {
    warnings.push(
      `${formatCount(totals.expired)} leases expired while held; ` +
        (scenario.lock.renew ? 'renewal came too late — renew more often' : 'no renewal is configured — add lock.renew or raise lock.ttl') +
        ` (ttl ${formatMs(scenario.lock.ttlMs)})`,
    );
  }
  const loadEndMs = plannedDurationMs(scenario);
  for (const fault of report.faults?.windows ?? []) {
    if (fault.hits === 0) {
      warnings.push(
        `the ${fault.type} fault at ${formatMs(fault.atMs)} hit nothing` +
          (fault.atMs >= loadEndMs
            ? ` (the load ended at ${formatMs(loadEndMs)}): move it inside the run`
            : fault.type === 'event-loop-block'
              ? ''
              : `: no chosen client (${formatPercent(fault.fraction, 0)} of them) was holding a lock during its ${formatMs(fault.durationMs)}; raise fraction or duration, or hold longer`),
      );
    }
  }
  if (queueing.littleError !== null && queueing.littleError > LITTLE_ERROR_LIMIT) {
    warnings.push(
      `Little's law estimate L=${formatNumber(queueing.littleL)} differs from the measured (time-integrated) waiters L=${formatNumber(queueing.measuredL)} ` +
        `by ${formatPercent(queueing.littleError, 1)}: Little's law needs a steady state, so ramps, bursts, a backlog still draining or a short run skew it — ` +
        `compare within a sustained phase or run longer`,
    );
  }
  return warnings;
}
