import { createHistogram, encodeHistogram, recordMs, type LatencyHistogram } from './histogram.js';
import { emptyTotals } from './totals.js';
import { LATENCY_NAMES, type LatencyName, type OverlapExample, type SeriesPoint, type TotalName, type Totals, type WorkerHealth } from './types.js';

/** Latency histograms of one scope (the whole run or one phase). */
type LatencyHistograms = Record<LatencyName, LatencyHistogram>;

/** One second of one worker: a series point before merging, with its acquire histogram instead of percentiles. */
export interface SecondTick extends Omit<SeriesPoint, 'p50' | 'p99'> {
  readonly worker: number;
  /** acquire latencies of this second's grants (encoded, µs) */
  readonly acquireHdr: string;
  /** this worker's counters since the run's start, at the end of this second (live totals for abortOnFail) */
  readonly totals: Readonly<Totals>;
}

/** What a worker returns at the end: everything it measured, histograms encoded. */
export interface WorkerMeasurements {
  readonly index: number;
  /** when this worker's load (and drain) ended, on the shared monotonic clock */
  readonly endedAt: number;
  readonly totals: Totals;
  readonly latency: Record<LatencyName, string>;
  readonly phases: ReadonlyArray<{ readonly totals: Totals; readonly latency: Record<LatencyName, string> }>;
  readonly holdMix: ReadonlyArray<{ readonly count: number; readonly hdr: string }>;
  readonly waitSumMs: number;
  readonly completions: number;
  readonly holdTotalMs: number;
  /** waiters integrated over the worker's window: ∫ waiters dt (waiter·ms) over `timeMs`, and the peak */
  readonly waiters: { readonly area: number; readonly timeMs: number; readonly max: number };
  readonly overlapExamples: readonly OverlapExample[];
  /** every second of this worker (the live copies sent on the port may arrive late or not at all) */
  readonly seconds: readonly SecondTick[];
  readonly health: WorkerHealth;
  /** the backend's own counters (LockBackend.stats), if it keeps any */
  readonly backendStats?: Readonly<Record<string, number>>;
}

const MAX_OVERLAP_EXAMPLES = 10;

function createLatencyHistograms(): LatencyHistograms {
  const histograms = {} as LatencyHistograms;
  for (const name of LATENCY_NAMES) histograms[name] = createHistogram();
  return histograms;
}

function encodeLatency(histograms: LatencyHistograms): Record<LatencyName, string> {
  const encoded = {} as Record<LatencyName, string>;
  for (const name of LATENCY_NAMES) encoded[name] = encodeHistogram(histograms[name]);
  return encoded;
}

/**
 * Everything one worker thread measures: counters and HDR histograms for the run
 * and per phase, the per-second slice, waiter samples. Single-threaded by design:
 * each worker owns one and hands over encoded histograms.
 */
export class RunRecorder {
  private readonly totals = emptyTotals();
  private readonly phaseTotals: Totals[];
  private readonly latency = createLatencyHistograms();
  private readonly phaseLatency: LatencyHistograms[];
  private readonly holdByComponent: LatencyHistogram[];
  private readonly secondAcquire = createHistogram();
  private secondArrivals = 0;
  private secondAcquired = 0;
  private secondTimeouts = 0;
  private secondErrors = 0;
  private waitSumMs = 0;
  private completions = 0;
  private holdTotalMs = 0;
  private readonly overlapExamples: OverlapExample[] = [];
  private readonly seconds: SecondTick[] = [];

  constructor(
    private readonly worker: number,
    phaseCount: number,
    holdComponents: number,
  ) {
    this.phaseTotals = Array.from({ length: phaseCount }, emptyTotals);
    this.phaseLatency = Array.from({ length: phaseCount }, createLatencyHistograms);
    this.holdByComponent = Array.from({ length: holdComponents }, createHistogram);
  }

  /** Adds 1 to a counter of the run and of `phase`. */
  count(phase: number, name: TotalName): void {
    this.totals[name]++;
    this.phaseTotals[phase][name]++;
  }

  arrival(phase: number): void {
    this.count(phase, 'arrivals');
    this.secondArrivals++;
  }

  /** The lock was granted: acquire from the intended start, acquireService from the first attempt. */
  granted(phase: number, acquireMs: number, serviceMs: number): void {
    this.count(phase, 'acquired');
    this.secondAcquired++;
    this.waitSumMs += acquireMs;
    this.completions++;
    recordMs(this.latency.acquire, acquireMs);
    recordMs(this.phaseLatency[phase].acquire, acquireMs);
    recordMs(this.latency.acquireService, serviceMs);
    recordMs(this.phaseLatency[phase].acquireService, serviceMs);
    recordMs(this.secondAcquire, acquireMs);
  }

  /** The lock was not granted within the budget (timeout) or the backend failed (error). */
  failed(phase: number, kind: 'timeouts' | 'errors', waitedMs: number): void {
    this.count(phase, 'failed');
    this.count(phase, kind);
    if (kind === 'timeouts') this.secondTimeouts++;
    else this.secondErrors++;
    this.waitSumMs += waitedMs;
    this.completions++;
  }

  /** The critical section ended: hold from grant, endToEnd from the intended start. */
  held(phase: number, component: number, holdMs: number, endToEndMs: number): void {
    this.holdTotalMs += holdMs;
    recordMs(this.latency.hold, holdMs);
    recordMs(this.phaseLatency[phase].hold, holdMs);
    recordMs(this.holdByComponent[component], holdMs);
    recordMs(this.latency.endToEnd, endToEndMs);
    recordMs(this.phaseLatency[phase].endToEnd, endToEndMs);
  }

  /** Two holders of one key at once. */
  violation(phase: number, example: OverlapExample): void {
    this.count(phase, 'violations');
    if (this.overlapExamples.length < MAX_OVERLAP_EXAMPLES) this.overlapExamples.push(example);
  }

  /** Closes the current second and starts the next one. */
  takeSecond(t: number, inFlight: number, waiters: number): SecondTick {
    const tick: SecondTick = {
      worker: this.worker,
      t,
      arrivals: this.secondArrivals,
      acquired: this.secondAcquired,
      failed: this.secondTimeouts + this.secondErrors,
      timeouts: this.secondTimeouts,
      errors: this.secondErrors,
      inFlight,
      waiters,
      acquireHdr: encodeHistogram(this.secondAcquire),
      totals: { ...this.totals },
    };
    this.seconds.push(tick);
    this.secondAcquire.reset();
    this.secondArrivals = this.secondAcquired = this.secondTimeouts = this.secondErrors = 0;
    return tick;
  }

  /** Everything measured, encoded; the recorder's histograms are destroyed. */
  finish(endedAt: number, waiters: { area: number; timeMs: number }, maxWaiters: number, health: WorkerHealth): WorkerMeasurements {
    const measurements: WorkerMeasurements = {
      index: this.worker,
      endedAt,
      totals: this.totals,
      latency: encodeLatency(this.latency),
      phases: this.phaseTotals.map((totals, phase) => ({ totals, latency: encodeLatency(this.phaseLatency[phase]) })),
      holdMix: this.holdByComponent.map((histogram) => ({ count: histogram.totalCount, hdr: encodeHistogram(histogram) })),
      waitSumMs: this.waitSumMs,
      completions: this.completions,
      holdTotalMs: this.holdTotalMs,
      waiters: { ...waiters, max: maxWaiters },
      overlapExamples: this.overlapExamples,
      seconds: this.seconds,
      health,
    };
    for (const scope of [this.latency, ...this.phaseLatency]) for (const name of LATENCY_NAMES) scope[name].destroy();
    for (const histogram of this.holdByComponent) histogram.destroy();
    this.secondAcquire.destroy();
    return measurements;
  }
}
