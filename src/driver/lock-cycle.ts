import type { LockBackend, Lease } from '../backends/types.js';
import { monotonicMs, sleep } from '../clock.js';
import type { RunRecorder } from '../metrics/recorder.js';
import type { WaiterGauge } from '../metrics/waiter-gauge.js';
import type { HolderBoard } from '../safety/holder-board.js';
import { nextValue } from '../safety/resource-model.js';
import type { ResourceStore } from '../safety/resource-store.js';
import type { LockSpec, ResourceSpec } from '../scenario/types.js';
import type { Distribution, KeyPicker, Rng } from '../workload/types.js';
import { acquireWithRetry, releaseLease, type AcquireOutcome } from './acquire.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { enterBoard, fenceOf, holdThroughFaults, leaveBoard, recordCrash, recordWrite, writeResource } from './critical-section.js';
import type { FaultPlan } from './fault-plan.js';
import { Renewal } from './renewal.js';

/** What every lock cycle of one worker shares. */
export interface CycleContext {
  readonly backend: LockBackend;
  readonly lock: LockSpec;
  readonly recorder: RunRecorder;
  readonly holders: HolderBoard;
  readonly keyOf: (resourceId: number) => string;
  /** run start on the shared monotonic clock */
  readonly startAt: number;
  /** aborted on Ctrl-C or when the drain time is up */
  readonly signal: AbortSignal;
  readonly retryRng: Rng;
  /** requests waiting for a lock: entered at arrival (by the loop), left here at grant/failure */
  readonly waiters: WaiterGauge;
  /**
   * The protected state; absent = the critical section only holds the lock (and pays nothing for it).
   * Ids from `offset` carry state (the leaves of a hierarchy; all ids otherwise), at store id − offset.
   */
  readonly resource?: { readonly spec: ResourceSpec; readonly store: ResourceStore; readonly offset: number };
  /** client faults on this run's clock; absent = none */
  readonly faults?: FaultPlan;
  /** this worker's circuit breaker (retry strategy circuit-breaker) */
  readonly breaker?: CircuitBreaker;
  /** overlapping holders are violations, unless a fencing store neutralises them */
  readonly overlapsCount: boolean;
  /** the first backend error message, for the report's warnings */
  firstError?: string;
}

/** What both load models need to draw requests and end the run. */
export interface LoadShareSettings {
  readonly seed: number;
  readonly keyPicker: KeyPicker;
  readonly hold: Distribution;
  /** the ids one request locks, ascending (lock.keys: several, or a hierarchy); absent = the one picked id */
  readonly keysOf?: (rng: Rng) => number[];
  /** the amount a request moves (a wallet debit); absent = 1 */
  readonly amount?: (rng: Rng) => number;
  /** after the load ends, how long in-flight and backlogged requests may take */
  readonly drainMs: number;
  /** aborts the context's signal: the drain is over or the run was stopped */
  readonly cancel: () => void;
}

/** One request: the client, what it locks and for how long, and when it meant to start. */
export interface LockRequest {
  /** ground-truth client id (arrival seq or user id) */
  readonly client: number;
  readonly phase: number;
  readonly resourceId: number;
  /** mode multi: every resource id of the request, ascending (the global lock order) */
  readonly resourceIds?: readonly number[];
  readonly holdMs: number;
  readonly holdComponent: number;
  /** intended start on the shared monotonic clock (latency is measured from here) */
  readonly intendedStart: number;
  /** what the request moves in the protected state (a wallet debit); 1 otherwise */
  readonly amount: number;
}

/**
 * acquire (with the retry policy, within acquireTimeout) → critical section
 * (read the protected state, hold with renewals, write) → release, recording every
 * step. The caller has already entered the request in `waiters`; this takes it out
 * at grant or failure.
 */
export async function runLockCycle(context: CycleContext, request: LockRequest): Promise<void> {
  if (request.resourceIds) return runMultiCycle(context, request, request.resourceIds);
  const { recorder, lock } = context;
  const { phase } = request;
  const id = request.resourceId;
  const firstAttempt = monotonicMs();
  let lease: Lease | null = null;
  let outcome: AcquireOutcome = 'granted';
  let attempts = 0;
  if (lock.mode !== 'none') {
    ({ lease, outcome, attempts } = await acquireWithRetry(context, context.keyOf(id), phase, firstAttempt + lock.acquireTimeoutMs));
  }
  const grantedAt = monotonicMs();
  context.waiters.leave(grantedAt);
  if (outcome === 'cancelled') {
    recorder.count(phase, 'cancelled');
    return;
  }
  if (outcome !== 'granted') {
    recorder.failed(phase, outcome, grantedAt - request.intendedStart, attempts);
    return;
  }
  recorder.granted(phase, grantedAt - request.intendedStart, grantedAt - firstAttempt, attempts);

  const slot = enterBoard(context, request, id, grantedAt);
  const renewal = lease ? Renewal.start(context, lease, phase) : undefined;
  const fence = fenceOf(lease);
  const current = context.resource ? await context.resource.store.read(id - context.resource.offset, fence) : 0;
  if (context.faults) {
    const crash = await holdThroughFaults(context, request, renewal && ((paused) => (paused ? renewal.suspend() : renewal.resume())));
    if (crash) {
      renewal?.stop();
      leaveBoard(context, request, id, slot, monotonicMs(), true);
      recordCrash(context, request, id, lease);
      return;
    }
  } else if (request.holdMs > 0) await sleep(request.holdMs, context.signal);
  if (context.resource) await writeResource(context, request, id - context.resource.offset, fence, current);
  renewal?.stop();
  leaveBoard(context, request, id, slot, monotonicMs());
  if (lease) await releaseLease(context, lease, phase);
  const releasedAt = monotonicMs();
  recorder.held(phase, request.holdComponent, releasedAt - grantedAt, releasedAt - request.intendedStart);
}

/**
 * mode multi (BookMyShow's seats; IRCTC's train → coach → seat): every key of the request, acquired one after the other
 * in ascending id order (one global order, so two requests never wait on each other in a
 * cycle), all or nothing: when one is not granted within the shared budget, the keys
 * already held are released at once (counted as partialReleases) and the request fails.
 * The critical section writes every key, or none when one of them has nothing to do.
 */
async function runMultiCycle(context: CycleContext, request: LockRequest, ids: readonly number[]): Promise<void> {
  const { recorder, lock } = context;
  const { phase } = request;
  const firstAttempt = monotonicMs();
  const deadline = firstAttempt + lock.acquireTimeoutMs;
  const leases: Lease[] = [];
  let outcome: AcquireOutcome = 'granted';
  let attempts = 0;
  if (lock.mode !== 'none') {
    for (const id of ids) {
      const acquisition = await acquireWithRetry(context, context.keyOf(id), phase, deadline);
      attempts += acquisition.attempts;
      if (!acquisition.lease) {
        outcome = acquisition.outcome;
        break;
      }
      leases.push(acquisition.lease);
    }
  }
  const grantedAt = monotonicMs();
  context.waiters.leave(grantedAt);
  if (outcome !== 'granted') {
    for (const lease of leases) {
      recorder.count(phase, 'partialReleases');
      await releaseLease(context, lease, phase);
    }
    if (outcome === 'cancelled') recorder.count(phase, 'cancelled');
    else recorder.failed(phase, outcome, grantedAt - request.intendedStart, attempts);
    return;
  }
  recorder.granted(phase, grantedAt - request.intendedStart, grantedAt - firstAttempt, attempts);

  const slots = ids.map((id) => enterBoard(context, request, id, grantedAt));
  const renewals = leases.map((lease) => Renewal.start(context, lease, phase));
  const fences = ids.map((_, index) => fenceOf(leases[index]));
  // the ids that carry protected state: every key, or the leaf of a hierarchy
  const resource = context.resource;
  const stateful = resource ? ids.flatMap((id, index) => (id >= resource.offset ? [index] : [])) : [];
  const current: number[] = [];
  if (resource) for (const index of stateful) current.push(await resource.store.read(ids[index] - resource.offset, fences[index]));
  const pause = (paused: boolean): void => renewals.forEach((renewal) => (paused ? renewal?.suspend() : renewal?.resume()));
  const crash = context.faults ? await holdThroughFaults(context, request, pause) : undefined;
  if (!context.faults && request.holdMs > 0) await sleep(request.holdMs, context.signal);
  if (crash) {
    const crashedAt = monotonicMs();
    ids.forEach((id, index) => {
      renewals[index]?.stop();
      leaveBoard(context, request, id, slots[index], crashedAt, true);
      recordCrash(context, request, id, leases[index]);
    });
    return;
  }
  if (resource) {
    const values = current.map((value) => nextValue(resource.spec, value, request.amount));
    if (values.some((value) => Number.isNaN(value))) await resource.store.skip();
    else {
      for (let n = 0; n < stateful.length; n++) {
        const index = stateful[n];
        recordWrite(context, request, await resource.store.write(ids[index] - resource.offset, fences[index], values[n], request.amount));
      }
    }
  }
  const leftAt = monotonicMs();
  for (let index = 0; index < ids.length; index++) {
    renewals[index]?.stop();
    leaveBoard(context, request, ids[index], slots[index], leftAt);
  }
  for (const lease of leases) await releaseLease(context, lease, phase);
  const releasedAt = monotonicMs();
  recorder.held(phase, request.holdComponent, releasedAt - grantedAt, releasedAt - request.intendedStart);
}
