/** Every figure of a plan at one request rate: each key's queue, their sums by Little's law, and the contention odds. */
import { birthdayCollision, contentionProbability, pairwiseCollision } from './contention.js';
import type { KeyClass, KeyShares } from './key-shares.js';
import { keyQueue, type KeyQueue } from './queues.js';
import type { ServiceModel } from './service.js';

/** One class of keys (often a single key) at the evaluated rate. */
export interface KeyFigures extends KeyClass {
  /** requests per second that lock each key of the class: λ·share */
  readonly arrivalRate: number;
  readonly queue: KeyQueue;
}

/** The contention odds of the background notes, for the requests in flight at once. */
export interface ContentionFigures {
  /** n = λ·E[S]: requests inside their critical section at once if nobody waited */
  readonly concurrentRequests: number;
  /** 1 − (1 − p)^n with p the hottest key's share: at least one of the n wants the hottest key */
  readonly hottestKey: { readonly share: number; readonly probability: number };
  /** P(some two of the n (rounded) requests lock a common key): the birthday paradox */
  readonly collision: {
    readonly requests: number;
    /** P(two requests share a key); Σ p² over the keys that decide it */
    readonly pairCollision: number;
    readonly probability: number;
    /** exact: 1 − ∏(1 − i/K) over K equally likely keys; else 1 − (1 − q)^{n(n−1)/2}, pairs taken as independent */
    readonly method: 'exact' | 'pairs';
    /** K of the exact formula */
    readonly keys?: number;
  };
}

/** The plan at one rate. */
export interface Evaluation {
  /** requests per second */
  readonly requestRate: number;
  /** key acquisitions per second: requestRate × keys per request */
  readonly keyArrivalRate: number;
  /** the hottest keys first, `top` classes */
  readonly hotKeys: readonly KeyFigures[];
  /** keys with ρ ≥ 1: their queue grows for as long as the rate lasts */
  readonly saturatedKeys: number;
  /** P(an acquisition finds its key taken), over all acquisitions (saturated keys count 1) */
  readonly waitProbability: number;
  /** mean wait per acquisition over all keys, ms (M/G/1 per key); Infinity when a key is saturated */
  readonly meanWaitMs: number;
  /** Σ over keys of Lq = λ·Wq: acquisitions waiting at once on average; Infinity when a key is saturated */
  readonly waiting: number;
  readonly contention: ContentionFigures;
  /** operations per second over sim.capacity, counting an acquire and a release per key (retries would add more) */
  readonly serverUtilization?: number;
}

function figures(keyClass: KeyClass, requestsPerSecond: number, service: ServiceModel): KeyFigures {
  const arrivalRate = requestsPerSecond * keyClass.share;
  return { ...keyClass, arrivalRate, queue: keyQueue(arrivalRate / 1000, service.service, service.permits) };
}

function contention(requestsPerSecond: number, shares: KeyShares, service: ServiceModel): ContentionFigures {
  const concurrentRequests = (requestsPerSecond * service.service.mean) / 1000;
  const requests = Math.round(concurrentRequests);
  const hottestShare = shares.classes[0]?.share ?? 0;
  const keys = shares.birthdayKeys;
  const collision =
    keys !== undefined
      ? { requests, pairCollision: shares.pairCollision, probability: birthdayCollision(requests, keys), method: 'exact' as const, keys }
      : { requests, pairCollision: shares.pairCollision, probability: pairwiseCollision(requests, shares.pairCollision), method: 'pairs' as const };
  return {
    concurrentRequests,
    hottestKey: { share: hottestShare, probability: contentionProbability(hottestShare, concurrentRequests) },
    collision,
  };
}

/** The plan at `requestsPerSecond`, listing the `top` hottest classes of keys. */
export function evaluateAt(requestsPerSecond: number, shares: KeyShares, service: ServiceModel, top: number): Evaluation {
  const keyArrivalRate = requestsPerSecond * shares.keysPerRequest;
  let saturatedKeys = 0;
  let waitedAcquisitions = 0;
  let totalWaitMs = 0;
  let waiting = 0;
  for (const keyClass of shares.classes) {
    const { arrivalRate, queue } = figures(keyClass, requestsPerSecond, service);
    if (queue.saturated) saturatedKeys += keyClass.count;
    waitedAcquisitions += keyClass.count * arrivalRate * queue.waitProbability;
    totalWaitMs += keyClass.count * arrivalRate * queue.waitMs;
    waiting += keyClass.count * queue.waiting;
  }
  return {
    requestRate: requestsPerSecond,
    keyArrivalRate,
    hotKeys: shares.classes.slice(0, top).map((keyClass) => figures(keyClass, requestsPerSecond, service)),
    saturatedKeys,
    waitProbability: keyArrivalRate > 0 ? waitedAcquisitions / keyArrivalRate : 0,
    meanWaitMs: saturatedKeys > 0 ? Infinity : keyArrivalRate > 0 ? totalWaitMs / keyArrivalRate : 0,
    waiting: saturatedKeys > 0 ? Infinity : waiting,
    contention: contention(requestsPerSecond, shares, service),
    ...(service.capacity !== undefined && { serverUtilization: (2 * keyArrivalRate) / service.capacity }),
  };
}
