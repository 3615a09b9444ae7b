/** Turns what a run measured into report.json (the Report object). */
import os from 'node:os';
import { LATENCY_NAMES } from '../metrics/types.js';
import type { LatencyName, LatencySummary, PhaseMeasurements, RunMeasurements, Totals } from '../metrics/types.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { findOutages } from './outages.js';
import { redactSecrets } from './redact.js';
import { buildFaults, buildRetries, buildSafety } from './safety.js';
import { evaluateThresholds } from './thresholds.js';
import { REPORT_SCHEMA_VERSION } from './types.js';
import type { Report, ReportAbort, ReportBackend, ReportPhase, ReportQueueing, ReportRates } from './types.js';
import { collectWarnings, isGeneratorSaturated } from './warnings.js';

export interface BuildReportInput {
  readonly measurements: RunMeasurements;
  readonly scenario: ResolvedScenario;
  /** the scenario file path as given ('<inline>' for text) */
  readonly file: string;
  readonly sha256: string;
  /** lockbench's own version */
  readonly toolVersion: string;
  /** the backend's description (type, url, nodes…); secrets are redacted here */
  readonly backend: Readonly<Record<string, unknown>>;
  /** the abortOnFail threshold that stopped the run, if one did */
  readonly abortedBy?: ReportAbort;
  /** what produced the measurements: `lockbench run` (default) or `lockbench simulate` */
  readonly mode?: Report['mode'];
}

/** Builds the report of a run: rates, Little's law, safety, generator health, warnings and thresholds. */
export function buildReport(input: BuildReportInput): Report {
  const { measurements, scenario } = input;
  const resolved = redactSecrets(scenario);
  const base: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    mode: input.mode ?? 'run',
    tool: { name: 'lockbench', version: input.toolVersion },
    scenario: {
      name: resolved.name,
      description: resolved.description,
      file: redactSecrets(input.file),
      sha256: input.sha256,
      resolved,
    },
    backend: describeBackend(input.backend, scenario, measurements),
    startedAt: new Date(measurements.startedAtEpochMs).toISOString(),
    endedAt: new Date(measurements.startedAtEpochMs + measurements.durationMs).toISOString(),
    durationMs: measurements.durationMs,
    interrupted: measurements.interrupted,
    environment: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: os.cpus().length,
      workers: measurements.workers,
    },
    totals: { ...measurements.totals },
    rates: computeRates(measurements.totals, measurements.durationMs),
    latency: measurements.latency,
    queueing: computeQueueing(measurements, scenario.resources.count),
    holdMix: measurements.holdMix,
    phases: measurements.phases.map((phase) => buildPhase(phase, measurements.durationMs)),
    series: measurements.series,
    safety: buildSafety(measurements),
    ...optional('retries', buildRetries(measurements, scenario.lock.retry)),
    ...optional('faults', buildFaults(measurements.faults, scenario.faults ?? [])),
    generator: {
      workers: measurements.generator.workers,
      saturated: isGeneratorSaturated(measurements.generator.workers),
    },
    thresholds: [],
    ...(input.abortedBy && { abortedBy: input.abortedBy }),
    warnings: [],
  };
  const withWarnings: Report = { ...base, warnings: collectWarnings(base, scenario) };
  return { ...withWarnings, thresholds: evaluateThresholds(withWarnings, scenario.thresholds) };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** Throughput over `durationMs` and the ratios of the totals (safe when nothing happened). */
export function computeRates(totals: Totals, durationMs: number): ReportRates {
  const completed = totals.acquired + totals.failed;
  return {
    throughput: perSecond(totals.acquired, durationMs),
    successRate: completed > 0 ? totals.acquired / completed : 1,
    timeoutRate: completed > 0 ? totals.timeouts / completed : 0,
    contentionRate: totals.attempts > 0 ? totals.contended / totals.attempts : 0,
  };
}

/** Little's law on the waiting stage: L = λW from completions and mean wait, beside the measured (time-integrated) L. */
export function computeQueueing(measurements: RunMeasurements, resourceCount: number): ReportQueueing {
  const { durationMs, wait, waiters } = measurements;
  const completionRate = perSecond(wait.completions, durationMs);
  const littleL = completionRate * (wait.meanMs / 1000);
  const measuredL = waiters.timeAverage;
  const capacityMs = durationMs * resourceCount;
  return {
    arrivalRate: perSecond(measurements.totals.arrivals, durationMs),
    completionRate,
    meanWaitMs: wait.meanMs,
    littleL,
    measuredL,
    littleError: relativeError(littleL, measuredL),
    maxWaiters: waiters.max,
    utilization: capacityMs > 0 ? measurements.holdTotalMs / capacityMs : 0,
  };
}

function relativeError(estimate: number, measured: number): number | null {
  if (measured === 0) return estimate === 0 ? 0 : null;
  return Math.abs(estimate - measured) / measured;
}

function perSecond(count: number, durationMs: number): number {
  return durationMs > 0 ? count / (durationMs / 1000) : 0;
}

/** A phase's rates are over the part of it that ran: a run stopped early (Ctrl-C, abortOnFail) cuts the phase short. */
function buildPhase(phase: PhaseMeasurements, runDurationMs: number): ReportPhase {
  const latency = {} as Record<LatencyName, LatencySummary>;
  for (const name of LATENCY_NAMES) latency[name] = withoutHdr(phase.latency[name]);
  return {
    name: phase.name,
    startMs: phase.startMs,
    endMs: phase.endMs,
    totals: { ...phase.totals },
    rates: computeRates(phase.totals, Math.max(0, Math.min(phase.endMs, runDurationMs) - phase.startMs)),
    latency,
  };
}

// phases carry summaries only; a merged histogram passed through by mistake must not bloat the file
function withoutHdr(summary: LatencySummary): LatencySummary {
  const { unit, count, min, mean, stdev, max, p50, p90, p95, p99, p999, p9999 } = summary;
  return { unit, count, min, mean, stdev, max, p50, p90, p95, p99, p999, p9999 };
}

function describeBackend(description: Readonly<Record<string, unknown>>, scenario: ResolvedScenario, measurements: RunMeasurements): ReportBackend {
  const type = typeof description.type === 'string' ? description.type : scenario.backend.type;
  const stats = measurements.backendStats;
  return redactSecrets({
    ...description,
    type,
    ...(Object.keys(stats).length > 0 && { stats: { ...stats } }),
    outages: findOutages(measurements.series),
  });
}
