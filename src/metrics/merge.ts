import { addEncoded, createHistogram, summarize, summarizeWithHdr, type LatencyHistogram } from './histogram.js';
import type { SecondTick, WorkerMeasurements } from './recorder.js';
import { addTotals, emptyTotals } from './totals.js';
import type { ResourceOutcome } from '../safety/resource-store.js';
import {
  LATENCY_NAMES,
  type CountSummary,
  type FaultMeasurements,
  type LatencyName,
  type LatencySummary,
  type LatencyWithHdr,
  type PhaseMeasurements,
  type RunMeasurements,
  type SeriesPoint,
} from './types.js';

export interface MergeInput {
  readonly workers: readonly WorkerMeasurements[];
  readonly phases: ReadonlyArray<{ readonly name: string; readonly startMs: number; readonly endMs: number }>;
  readonly holdComponents: ReadonlyArray<{ readonly name: string; readonly weight: number }>;
  readonly startedAtEpochMs: number;
  readonly durationMs: number;
  readonly interrupted: boolean;
  /** overlaps count as violations (no fencing store neutralises them) @default true */
  readonly overlapsCounted?: boolean;
  /** faults in the scenario @default 0 */
  readonly faultCount?: number;
  /** the protected state at the end of the run */
  readonly resource?: ResourceOutcome;
}

const MAX_OVERLAP_EXAMPLES = 10;
const MAX_CRASH_EXAMPLES = 10;
const MAX_BREAKER_TRANSITIONS = 500;

/** Sums counters and adds histograms (decode + add, never averaging percentiles). */
export function mergeMeasurements(input: MergeInput): RunMeasurements {
  const { workers } = input;
  const totals = emptyTotals();
  for (const worker of workers) addTotals(totals, worker.totals);

  const latency = {} as Record<LatencyName, LatencyWithHdr>;
  for (const name of LATENCY_NAMES) latency[name] = mergeEncoded(workers.map((w) => w.latency[name]), summarizeWithHdr);

  const phases: PhaseMeasurements[] = input.phases.map((phase, index) => {
    const phaseTotals = emptyTotals();
    for (const worker of workers) addTotals(phaseTotals, worker.phases[index].totals);
    const phaseLatency = {} as Record<LatencyName, LatencySummary>;
    for (const name of LATENCY_NAMES) phaseLatency[name] = mergeEncoded(workers.map((w) => w.phases[index].latency[name]), summarize);
    return { ...phase, totals: phaseTotals, latency: phaseLatency };
  });

  const holdCount = workers.reduce((sum, w) => sum + w.holdMix.reduce((s, c) => s + c.count, 0), 0);
  const holdMix = input.holdComponents.map((component, index) => {
    const count = workers.reduce((sum, w) => sum + w.holdMix[index].count, 0);
    return {
      name: component.name,
      weight: component.weight,
      count,
      share: holdCount === 0 ? 0 : count / holdCount,
      hold: mergeEncoded(workers.map((w) => w.holdMix[index].hdr), summarize),
    };
  });

  // lost updates are known only from the final state: totals.violations is the checkers' sum, whatever the live count said
  const overlaps = workers.reduce((sum, w) => sum + (w.overlaps ?? 0), 0);
  const overlapsCounted = input.overlapsCounted ?? true;
  if (input.resource || input.overlapsCounted !== undefined) totals.violations = (overlapsCounted ? overlaps : 0) + (input.resource?.violations ?? 0);

  const completions = workers.reduce((sum, w) => sum + w.completions, 0);
  const waitSumMs = workers.reduce((sum, w) => sum + w.waitSumMs, 0);
  const series = mergeSeries(workers.flatMap((worker) => worker.seconds));
  return {
    startedAtEpochMs: input.startedAtEpochMs,
    durationMs: input.durationMs,
    interrupted: input.interrupted,
    workers: workers.length,
    totals,
    latency,
    phases,
    series,
    holdMix,
    wait: { completions, meanMs: completions === 0 ? 0 : waitSumMs / completions },
    // each worker's time-average adds up to the run's (all measure on the same clock)
    waiters: {
      timeAverage: workers.reduce((sum, w) => sum + (w.waiters.timeMs === 0 ? 0 : w.waiters.area / w.waiters.timeMs), 0),
      max: workers.reduce((sum, w) => sum + w.waiters.max, 0),
    },
    holdTotalMs: workers.reduce((sum, w) => sum + w.holdTotalMs, 0),
    safety: {
      overlaps,
      overlapMs: workers.reduce((sum, w) => sum + (w.overlapMs ?? 0), 0),
      overlapsCounted,
      examples: workers
        .flatMap((w) => w.overlapExamples)
        .sort((a, b) => a.atMs - b.atMs)
        .slice(0, MAX_OVERLAP_EXAMPLES),
      ...(input.resource && { resource: input.resource }),
    },
    retries: {
      perGrant: mergeEncoded(workers.map((w) => w.attemptsPerGrant), summarizeCounts),
      perFailure: mergeEncoded(workers.map((w) => w.attemptsPerFailure), summarizeCounts),
      breakerTransitions: workers
        .flatMap((w) => w.breakerTransitions)
        .sort((a, b) => a.atMs - b.atMs)
        .slice(0, MAX_BREAKER_TRANSITIONS),
    },
    ...((input.faultCount ?? 0) > 0 && { faults: mergeFaults(workers, input.faultCount ?? 0) }),
    generator: { workers: workers.map((w) => w.health) },
    backendStats: sumStats(workers.map((w) => w.backendStats ?? {})),
  };
}

function mergeFaults(workers: readonly WorkerMeasurements[], faultCount: number): FaultMeasurements {
  const hits = new Array<number>(faultCount).fill(0);
  for (const worker of workers) worker.faultHits.forEach((count, index) => (hits[index] += count));
  const all = workers.map((w) => w.crashes);
  const sum = (pick: (crashes: WorkerMeasurements['crashes']) => number): number => all.reduce((total, crashes) => total + pick(crashes), 0);
  const max = (pick: (crashes: WorkerMeasurements['crashes']) => number): number => all.reduce((most, crashes) => Math.max(most, pick(crashes)), 0);
  return {
    hits,
    crashes: {
      count: sum((c) => c.count),
      ghostMsTotal: sum((c) => c.ghostMsTotal),
      ghostMsMax: max((c) => c.ghostMsMax),
      reclaimed: sum((c) => c.reclaimed),
      reclaimedAfterMsTotal: sum((c) => c.reclaimedAfterMsTotal),
      reclaimedAfterMsMax: max((c) => c.reclaimedAfterMsMax),
      examples: all
        .flatMap((c) => c.examples)
        .sort((a, b) => a.atMs - b.atMs)
        .slice(0, MAX_CRASH_EXAMPLES),
    },
  };
}

/** Whole numbers recorded as they are (attempts), summarised without the µs → ms conversion. */
function summarizeCounts(histogram: LatencyHistogram): CountSummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  return {
    count,
    mean: histogram.mean,
    p50: histogram.getValueAtPercentile(50),
    p90: histogram.getValueAtPercentile(90),
    p99: histogram.getValueAtPercentile(99),
    max: histogram.maxValue,
  };
}

function sumStats(all: ReadonlyArray<Readonly<Record<string, number>>>): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const stats of all) for (const [name, value] of Object.entries(stats)) sums[name] = (sums[name] ?? 0) + value;
  return sums;
}

function mergeEncoded<T>(encoded: readonly string[], summary: (histogram: LatencyHistogram) => T): T {
  const merged = createHistogram();
  try {
    for (const hdr of encoded) addEncoded(merged, hdr);
    return summary(merged);
  } finally {
    merged.destroy();
  }
}

/** One point per second: counters summed over workers, p50/p99 from the merged second's histogram. */
function mergeSeries(ticks: readonly SecondTick[]): SeriesPoint[] {
  const bySecond = new Map<number, SecondTick[]>();
  for (const tick of ticks) {
    const second = bySecond.get(tick.t);
    if (second) second.push(tick);
    else bySecond.set(tick.t, [tick]);
  }
  const series: SeriesPoint[] = [];
  for (const t of [...bySecond.keys()].sort((a, b) => a - b)) {
    const second = bySecond.get(t)!;
    const sum = (pick: (tick: SecondTick) => number): number => second.reduce((total, tick) => total + pick(tick), 0);
    const acquire = mergeEncoded(second.map((tick) => tick.acquireHdr), summarize);
    series.push({
      t,
      arrivals: sum((tick) => tick.arrivals),
      acquired: sum((tick) => tick.acquired),
      failed: sum((tick) => tick.failed),
      timeouts: sum((tick) => tick.timeouts),
      errors: sum((tick) => tick.errors),
      inFlight: sum((tick) => tick.inFlight),
      waiters: sum((tick) => tick.waiters),
      p50: acquire.p50,
      p99: acquire.p99,
      attempts: sum((tick) => tick.attempts ?? 0),
      rejected: sum((tick) => tick.rejected ?? 0),
      breakerOpen: sum((tick) => tick.breakerOpen ?? 0),
    });
  }
  return series;
}
