/** The open model's arrival schedule: phases back to back, a linear rate ramp in each, split across workers by seq. */
import { ScenarioError } from '../errors.js';
import type { PhaseSpec } from '../scenario/types.js';
import { createRng, Stream } from './random.js';
import type { Arrival, ArrivalSchedule, Rng } from './types.js';

/** A phase with everything the schedule needs precomputed, rates in arrivals per ms. */
interface PhasePlan {
  readonly startMs: number;
  readonly durationMs: number;
  /** rate at the phase start, per ms */
  readonly startRate: number;
  /** (r1 − r0) / (2D): the t² coefficient of the cumulative count N(t) = r0·t + a·t² */
  readonly quadratic: number;
  /** N(D), the expected number of arrivals */
  readonly expected: number;
  readonly poisson: boolean;
  /** arrivals of a uniform phase: the k with k + 0.5 ≤ N(D), i.e. round(N(D)) */
  readonly uniformCount: number;
}

function invalid(index: number, message: string): never {
  throw new ScenarioError(`load.phases.${index}: ${message}`);
}

function planPhases(phases: readonly PhaseSpec[]): PhasePlan[] {
  let startMs = 0;
  return phases.map((phase, index) => {
    const { durationMs, rate, rampTo } = phase;
    if (!Number.isFinite(durationMs) || durationMs < 0) invalid(index, `durationMs must be a finite number ≥ 0, got ${durationMs}`);
    if (!Number.isFinite(rate) || rate < 0) invalid(index, `rate must be a finite number ≥ 0, got ${rate}`);
    if (!Number.isFinite(rampTo) || rampTo < 0) invalid(index, `rampTo must be a finite number ≥ 0, got ${rampTo}`);
    const startRate = rate / 1000;
    const endRate = rampTo / 1000;
    const expected = durationMs === 0 ? 0 : ((startRate + endRate) / 2) * durationMs;
    const plan: PhasePlan = {
      startMs,
      durationMs,
      startRate,
      quadratic: durationMs === 0 ? 0 : (endRate - startRate) / (2 * durationMs),
      expected,
      poisson: phase.arrival === 'poisson',
      uniformCount: Math.floor(expected + 0.5),
    };
    startMs += durationMs;
    return plan;
  });
}

/**
 * The t in [0, D] (ms into the phase) where the cumulative count N(t) = r0·t + a·t² reaches
 * `count`, for 0 ≤ count ≤ N(D). Uses t = 2y / (r0 + √(r0² + 4ay)): with r0 ≥ 0 nothing
 * cancels, and it holds for a flat rate (a = 0), a ramp from 0 (r0 = 0) and a ramp down to 0
 * (discriminant 0 at the end).
 */
function timeOfCount(plan: PhasePlan, count: number): number {
  if (count <= 0) return 0;
  const r0 = plan.startRate;
  const discriminant = r0 * r0 + 4 * plan.quadratic * count;
  const t = (2 * count) / (r0 + Math.sqrt(discriminant > 0 ? discriminant : 0));
  return t < plan.durationMs ? t : plan.durationMs;
}

/** Walks the whole run's arrivals in order and hands out those with seq % count === index. */
class ShareSchedule implements ArrivalSchedule {
  private phaseIndex = -1;
  private plan: PhasePlan | undefined;
  /** seq of the current phase's first arrival */
  private phaseFirstSeq = 0;
  /** arrivals of the current phase generated so far (handed out or skipped) */
  private inPhase = 0;
  /** poisson: cumulative expected count reached by the unit-exponential increments */
  private level = 0;
  private readonly rng: Rng;

  constructor(
    private readonly plans: readonly PhasePlan[],
    private readonly seed: number,
    private readonly shareIndex: number,
    private readonly shareCount: number,
  ) {
    this.rng = createRng(seed, Stream.arrivals, 0);
    this.enterPhase(0, 0);
  }

  next(): Arrival | undefined {
    for (;;) {
      const plan = this.plan;
      if (plan === undefined) return undefined;
      const arrival = plan.poisson ? this.nextPoisson(plan) : this.nextUniform(plan);
      if (arrival !== undefined) return arrival;
      this.enterPhase(this.phaseIndex + 1, this.phaseFirstSeq + this.inPhase);
    }
  }

  private enterPhase(index: number, firstSeq: number): void {
    this.phaseIndex = index;
    this.plan = index < this.plans.length ? this.plans[index] : undefined;
    this.phaseFirstSeq = firstSeq;
    this.inPhase = 0;
    this.level = 0;
    // each phase has its own stream, so a phase's arrivals do not depend on the draws the one before wasted
    if (this.plan?.poisson) this.rng.reseed(this.seed, Stream.arrivals, index);
  }

  /** Uniform arrivals are a closed form of k, so this share jumps straight to its next seq. */
  private nextUniform(plan: PhasePlan): Arrival | undefined {
    const seq = this.phaseFirstSeq + this.inPhase;
    const skip = (this.shareIndex - (seq % this.shareCount) + this.shareCount) % this.shareCount;
    const k = this.inPhase + skip;
    if (k >= plan.uniformCount) {
      this.inPhase = plan.uniformCount;
      return undefined;
    }
    this.inPhase = k + 1;
    return { seq: seq + skip, atMs: plan.startMs + timeOfCount(plan, k + 0.5), phase: this.phaseIndex };
  }

  /**
   * Non-homogeneous Poisson by inversion: unit-exponential steps on the cumulative count
   * N(t) mapped back to time. Every share draws every step, so all shares see the same times.
   */
  private nextPoisson(plan: PhasePlan): Arrival | undefined {
    for (;;) {
      this.level -= Math.log(1 - this.rng.next());
      if (this.level > plan.expected) return undefined;
      const seq = this.phaseFirstSeq + this.inPhase;
      this.inPhase++;
      if (seq % this.shareCount === this.shareIndex) {
        return { seq, atMs: plan.startMs + timeOfCount(plan, this.level), phase: this.phaseIndex };
      }
    }
  }
}

/**
 * The run's arrivals in time order (atMs from the run's start), numbered over the whole run;
 * this share keeps those with seq % share.count === share.index, so the shares of all
 * workers together are exactly the single-worker schedule. Each call of `next()` returns a
 * fresh Arrival.
 */
export function createArrivalSchedule(
  phases: readonly PhaseSpec[],
  seed: number,
  share: { readonly index: number; readonly count: number },
): ArrivalSchedule {
  if (!Number.isSafeInteger(share.count) || share.count < 1) {
    throw new RangeError(`share.count must be a whole number ≥ 1, got ${share.count}`);
  }
  if (!Number.isSafeInteger(share.index) || share.index < 0 || share.index >= share.count) {
    throw new RangeError(`share.index must be a whole number in [0, ${share.count}), got ${share.index}`);
  }
  return new ShareSchedule(planPhases(phases), seed, share.index, share.count);
}

/** The expected number of arrivals of the whole run: the integral of the rate over all phases. */
export function expectedArrivals(phases: readonly PhaseSpec[]): number {
  return planPhases(phases).reduce((sum, plan) => sum + plan.expected, 0);
}

/** How long the schedule lasts in ms (phases back to back). */
export function scheduleDurationMs(phases: readonly PhaseSpec[]): number {
  return phases.reduce((sum, phase) => sum + phase.durationMs, 0);
}
