import { createHistogram, encodeHistogram, recordMs, type LatencyHistogram } from './histogram.js';
import { emptyTotals } from './totals.js';
import {
  LATENCY_NAMES,
  type BreakerTransition,
  type CrashExample,
  type FaultMeasurements,
  type LatencyName,
  type OverlapExample,
  type SeriesPoint,
  type TotalName,
  type Totals,
  type WorkerHealth,
} from './types.js';

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
  /** grants into a key another client still held (counted as violations or not, see RunMeasurements.safety) */
  readonly overlaps: number;
  /** time keys spent with two or more holders, this worker's share, ms */
  readonly overlapMs: number;
  readonly overlapExamples: readonly OverlapExample[];
  /** attempts per request (encoded count histograms): requests that got their lock, and those that failed */
  readonly attemptsPerGrant: string;
  readonly attemptsPerFailure: string;
  readonly breakerTransitions: readonly BreakerTransition[];
  /** per fault of the scenario: clients paused or crashed, or this thread blocked */
  readonly faultHits: readonly number[];
  readonly crashes: FaultMeasurements['crashes'];
  /** every second of this worker (the live copies sent on the port may arrive late or not at all) */
  readonly seconds: readonly SecondTick[];
  readonly health: WorkerHealth;
  /** the backend's own counters (LockBackend.stats), if it keeps any */
  readonly backendStats?: Readonly<Record<string, number>>;
}

const MAX_OVERLAP_EXAMPLES = 10;
const MAX_CRASH_EXAMPLES = 10;
const MAX_BREAKER_TRANSITIONS = 500;

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
  private readonly phaseLatency: LatencyHistograms[];
  private readonly holdByComponent: LatencyHistogram[];
  private readonly secondAcquire = createHistogram();
  private secondArrivals = 0;
  private secondAcquired = 0;
  private secondTimeouts = 0;
  private secondErrors = 0;
  private secondRejected = 0;
  private secondAttempts = 0;
  private waitSumMs = 0;
  private completions = 0;
  private holdTotalMs = 0;
  private readonly overlapExamples: OverlapExample[] = [];
  private overlaps = 0;
  private readonly attemptsPerGrant = createHistogram();
  private readonly attemptsPerFailure = createHistogram();
  /** grants at the first attempt, added to attemptsPerGrant in one go at the end (the common case costs no histogram call) */
  private firstAttemptGrants = 0;
  private readonly breakerTransitions: BreakerTransition[] = [];
  private readonly faultHits: number[];
  private readonly crashes = { count: 0, ghostMsTotal: 0, ghostMsMax: 0, reclaimed: 0, reclaimedAfterMsTotal: 0, reclaimedAfterMsMax: 0, examples: [] as CrashExample[] };
  private readonly seconds: SecondTick[] = [];

  constructor(
    private readonly worker: number,
    phaseCount: number,
    holdComponents: number,
    faultCount = 0,
  ) {
    this.faultHits = new Array<number>(faultCount).fill(0);
    this.phaseTotals = Array.from({ length: phaseCount }, emptyTotals);
    this.phaseLatency = Array.from({ length: phaseCount }, createLatencyHistograms);
    this.holdByComponent = Array.from({ length: holdComponents }, createHistogram);
  }

  /** Adds 1 to a counter of the run and of `phase`. */
  count(phase: number, name: TotalName): void {
    this.totals[name]++;
    this.phaseTotals[phase][name]++;
  }

  // the hot counters are named, not looked up by a key: a keyed access over 16 names is megamorphic

  arrival(phase: number): void {
    this.totals.arrivals++;
    this.phaseTotals[phase].arrivals++;
    this.secondArrivals++;
  }

  /** One acquire attempt went to the backend. */
  attempt(phase: number): void {
    this.totals.attempts++;
    this.phaseTotals[phase].attempts++;
    this.secondAttempts++;
  }

  /** An attempt found the key held. */
  contended(phase: number): void {
    this.totals.contended++;
    this.phaseTotals[phase].contended++;
  }

  /** A lease was given back while it was still the holder's. */
  released(phase: number): void {
    this.totals.released++;
    this.phaseTotals[phase].released++;
  }

  /** The lock was granted after `attempts` attempts: acquire from the intended start, acquireService from the first attempt. */
  granted(phase: number, acquireMs: number, serviceMs: number, attempts: number): void {
    this.totals.acquired++;
    this.phaseTotals[phase].acquired++;
    if (attempts === 1) this.firstAttemptGrants++;
    else if (attempts > 1) this.attemptsPerGrant.recordValue(attempts);
    this.secondAcquired++;
    this.waitSumMs += acquireMs;
    this.completions++;
    recordMs(this.phaseLatency[phase].acquire, acquireMs);
    recordMs(this.phaseLatency[phase].acquireService, serviceMs);
    recordMs(this.secondAcquire, acquireMs);
  }

  /** The lock was not granted within the budget (timeout), the backend failed (error), or an open breaker failed it fast (rejected). */
  failed(phase: number, kind: 'timeouts' | 'errors' | 'rejected', waitedMs: number, attempts: number): void {
    this.count(phase, 'failed');
    this.count(phase, kind);
    if (attempts > 0) this.attemptsPerFailure.recordValue(attempts);
    if (kind === 'timeouts') this.secondTimeouts++;
    else if (kind === 'errors') this.secondErrors++;
    else this.secondRejected++;
    this.waitSumMs += waitedMs;
    this.completions++;
  }

  /** The critical section ended: hold from grant, endToEnd from the intended start. */
  held(phase: number, component: number, holdMs: number, endToEndMs: number): void {
    this.holdTotalMs += holdMs;
    recordMs(this.phaseLatency[phase].hold, holdMs);
    recordMs(this.holdByComponent[component], holdMs);
    recordMs(this.phaseLatency[phase].endToEnd, endToEndMs);
  }

  /** A grant found the key held by another client; `counted`: it is a violation (not neutralised by a fencing store). */
  overlap(phase: number, counted: boolean): void {
    this.overlaps++;
    if (counted) this.count(phase, 'violations');
  }

  /** True while more overlap examples are wanted. */
  get wantsOverlapExamples(): boolean {
    return this.overlapExamples.length < MAX_OVERLAP_EXAMPLES;
  }

  /** One overlapping pair, once its overlap is known (when the first of the two left). */
  overlapExample(example: OverlapExample): void {
    if (this.overlapExamples.length < MAX_OVERLAP_EXAMPLES) this.overlapExamples.push(example);
  }

  /** The protected state was damaged (oversell, double booking, negative balance) or took a stale write. */
  violation(phase: number): void {
    this.count(phase, 'violations');
  }

  /** A circuit breaker changed state. */
  breakerChanged(transition: BreakerTransition): void {
    if (this.breakerTransitions.length < MAX_BREAKER_TRANSITIONS) this.breakerTransitions.push(transition);
  }

  /** Fault number `index` hit a client (or this thread). */
  faultHit(index: number): void {
    this.faultHits[index]++;
  }

  /** A holder crashed; its lock outlives it by `example.ghostMs`. */
  crashed(example: CrashExample): void {
    const crashes = this.crashes;
    crashes.count++;
    crashes.ghostMsTotal += example.ghostMs;
    crashes.ghostMsMax = Math.max(crashes.ghostMsMax, example.ghostMs);
    if (crashes.examples.length < MAX_CRASH_EXAMPLES) crashes.examples.push(example);
  }

  /** A key a crashed holder left behind was granted again, `afterMs` after the crash. */
  reclaimed(afterMs: number): void {
    const crashes = this.crashes;
    crashes.reclaimed++;
    crashes.reclaimedAfterMsTotal += afterMs;
    crashes.reclaimedAfterMsMax = Math.max(crashes.reclaimedAfterMsMax, afterMs);
  }

  /** Acquire p99 of the whole run so far, ms (for a live progress line). */
  acquireP99Ms(): number {
    const all = this.wholeRun('acquire');
    const p99 = all.totalCount === 0 ? 0 : all.getValueAtPercentile(99) / 1000;
    all.destroy();
    return p99;
  }

  /** Closes the current second and starts the next one. */
  takeSecond(t: number, inFlight: number, waiters: number, breakerOpen = 0): SecondTick {
    const tick: SecondTick = {
      worker: this.worker,
      t,
      arrivals: this.secondArrivals,
      acquired: this.secondAcquired,
      failed: this.secondTimeouts + this.secondErrors + this.secondRejected,
      timeouts: this.secondTimeouts,
      errors: this.secondErrors,
      inFlight,
      waiters,
      attempts: this.secondAttempts,
      rejected: this.secondRejected,
      breakerOpen,
      acquireHdr: encodeHistogram(this.secondAcquire),
      totals: { ...this.totals },
    };
    this.seconds.push(tick);
    this.secondAcquire.reset();
    this.secondArrivals = this.secondAcquired = this.secondTimeouts = this.secondErrors = this.secondRejected = this.secondAttempts = 0;
    return tick;
  }

  /**
   * The whole run's histogram of `name`: the sum of the phases' (every request belongs to exactly one
   * phase, so adding is exact). Recording per phase only halves the histogram calls per request.
   * The caller destroys it.
   */
  private wholeRun(name: LatencyName): LatencyHistogram {
    const all = createHistogram();
    for (const scope of this.phaseLatency) all.add(scope[name]);
    return all;
  }

  private encodeWholeRun(): Record<LatencyName, string> {
    const encoded = {} as Record<LatencyName, string>;
    for (const name of LATENCY_NAMES) {
      const all = this.wholeRun(name);
      encoded[name] = encodeHistogram(all);
      all.destroy();
    }
    return encoded;
  }

  private withFirstAttemptGrants(): LatencyHistogram {
    if (this.firstAttemptGrants > 0) this.attemptsPerGrant.recordValueWithCount(1, this.firstAttemptGrants);
    this.firstAttemptGrants = 0;
    return this.attemptsPerGrant;
  }

  /** Everything measured, encoded; the recorder's histograms are destroyed. */
  finish(endedAt: number, waiters: { area: number; timeMs: number }, maxWaiters: number, health: WorkerHealth, overlapMs = 0): WorkerMeasurements {
    const measurements: WorkerMeasurements = {
      index: this.worker,
      endedAt,
      totals: this.totals,
      latency: this.encodeWholeRun(),
      phases: this.phaseTotals.map((totals, phase) => ({ totals, latency: encodeLatency(this.phaseLatency[phase]) })),
      holdMix: this.holdByComponent.map((histogram) => ({ count: histogram.totalCount, hdr: encodeHistogram(histogram) })),
      waitSumMs: this.waitSumMs,
      completions: this.completions,
      holdTotalMs: this.holdTotalMs,
      waiters: { ...waiters, max: maxWaiters },
      overlaps: this.overlaps,
      overlapMs,
      overlapExamples: this.overlapExamples,
      attemptsPerGrant: encodeHistogram(this.withFirstAttemptGrants()),
      attemptsPerFailure: encodeHistogram(this.attemptsPerFailure),
      breakerTransitions: this.breakerTransitions,
      faultHits: this.faultHits,
      crashes: this.crashes,
      seconds: this.seconds,
      health,
    };
    for (const scope of this.phaseLatency) for (const name of LATENCY_NAMES) scope[name].destroy();
    for (const histogram of this.holdByComponent) histogram.destroy();
    this.secondAcquire.destroy();
    this.attemptsPerGrant.destroy();
    this.attemptsPerFailure.destroy();
    return measurements;
  }
}
