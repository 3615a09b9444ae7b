/**
 * One key as a queue: Poisson arrivals of λ per ms, service S (hold + hand-over) in ms, c permits.
 * M/M/1 and M/M/c (Erlang C) take S exponential; M/G/1 (Pollaczek–Khinchine) uses E[S²];
 * for c > 1 the general-service wait is the Lee–Longton approximation (M/M/c scaled by (1 + cs²)/2).
 */
import { erlangC } from './erlang.js';
import { squaredCoefficientOfVariation, type Moments } from './moments.js';

/** M/M/1 mean wait in queue Wq = ρ/(μ − λ) = ρ·E[S]/(1 − ρ), ms; Infinity when ρ ≥ 1. */
export function mm1Wait(arrivalsPerMs: number, meanServiceMs: number): number {
  const rho = arrivalsPerMs * meanServiceMs;
  return rho < 1 ? (rho * meanServiceMs) / (1 - rho) : Infinity;
}

/** M/G/1 mean wait in queue (Pollaczek–Khinchine) Wq = λ·E[S²] / (2(1 − ρ)), ms; Infinity when ρ ≥ 1. */
export function mg1Wait(arrivalsPerMs: number, service: Moments): number {
  const rho = arrivalsPerMs * service.mean;
  return rho < 1 ? (arrivalsPerMs * service.secondMoment) / (2 * (1 - rho)) : Infinity;
}

/** M/M/c mean wait in queue Wq = C(c, a) / (cμ − λ) = C·E[S] / (c − a), ms; Infinity when a ≥ c. */
export function mmcWait(arrivalsPerMs: number, meanServiceMs: number, permits: number): number {
  const offeredLoad = arrivalsPerMs * meanServiceMs;
  if (!(offeredLoad < permits)) return Infinity;
  return (erlangC(permits, offeredLoad) * meanServiceMs) / (permits - offeredLoad);
}

/** What the formulas say about one key. */
export interface KeyQueue {
  /** a = λ·E[S]: permits busy on average if every request were served */
  readonly offeredLoad: number;
  /** ρ = a / c: the share of time each permit is busy; ≥ 1 = saturated */
  readonly utilization: number;
  readonly saturated: boolean;
  /** P(an arrival finds every permit taken): ρ for a mutex (PASTA, any service), Erlang C for c > 1; 1 when saturated */
  readonly waitProbability: number;
  /** mean wait if S were exponential with the same mean: M/M/1, or M/M/c by Erlang C; Infinity when saturated */
  readonly exponentialWaitMs: number;
  /** mean wait with S as it is: M/G/1 exact for a mutex, Lee–Longton approximation for c > 1; Infinity when saturated */
  readonly waitMs: number;
  /** mean number waiting by Little's law, Lq = λ·Wq (with waitMs); Infinity when saturated */
  readonly waiting: number;
}

/** The queue of one key that sees `arrivalsPerMs` Poisson arrivals, each holding one of `permits` for S. */
export function keyQueue(arrivalsPerMs: number, service: Moments, permits: number): KeyQueue {
  const offeredLoad = arrivalsPerMs * service.mean;
  const utilization = offeredLoad / permits;
  const saturated = utilization >= 1 && arrivalsPerMs > 0;
  if (saturated) {
    return { offeredLoad, utilization, saturated, waitProbability: 1, exponentialWaitMs: Infinity, waitMs: Infinity, waiting: Infinity };
  }
  const exponentialWaitMs = permits === 1 ? mm1Wait(arrivalsPerMs, service.mean) : mmcWait(arrivalsPerMs, service.mean, permits);
  const waitMs = permits === 1 ? mg1Wait(arrivalsPerMs, service) : (exponentialWaitMs * (1 + squaredCoefficientOfVariation(service))) / 2;
  return {
    offeredLoad,
    utilization,
    saturated,
    waitProbability: permits === 1 ? utilization : erlangC(permits, offeredLoad),
    exponentialWaitMs,
    waitMs,
    waiting: arrivalsPerMs * waitMs,
  };
}

/**
 * The q-quantile of the wait in M/M/c (c = 1: M/M/1), from its tail P(W > t) = P(wait)·e^{−(cμ − λ)t}:
 * t = ln(P(wait) / (1 − q)) / (cμ − λ), and 0 when fewer than 1 − q of the arrivals wait. Infinity when saturated.
 */
export function exponentialWaitQuantile(arrivalsPerMs: number, meanServiceMs: number, permits: number, quantile: number): number {
  const offeredLoad = arrivalsPerMs * meanServiceMs;
  if (!(offeredLoad < permits)) return Infinity;
  const waitProbability = permits === 1 ? offeredLoad : erlangC(permits, offeredLoad);
  const tail = 1 - quantile;
  if (waitProbability <= tail) return 0;
  const drainPerMs = permits / meanServiceMs - arrivalsPerMs;
  return Math.log(waitProbability / tail) / drainPerMs;
}
