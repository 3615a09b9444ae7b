import type { LockBackend, Lease } from '../backends/types.js';
import { monotonicMs, sleep } from '../clock.js';
import type { RunRecorder } from '../metrics/recorder.js';
import type { WaiterGauge } from '../metrics/waiter-gauge.js';
import type { HolderBoard } from '../safety/holder-board.js';
import type { LockSpec } from '../scenario/types.js';
import type { Distribution, KeyPicker, Rng } from '../workload/types.js';
import { retryDelayMs } from './retry.js';

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
  /** the first backend error message, for the report's warnings */
  firstError?: string;
}

/** What both load models need to draw requests and end the run. */
export interface LoadShareSettings {
  readonly seed: number;
  readonly keyPicker: KeyPicker;
  readonly hold: Distribution;
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
  readonly holdMs: number;
  readonly holdComponent: number;
  /** intended start on the shared monotonic clock (latency is measured from here) */
  readonly intendedStart: number;
}

type AcquireOutcome = 'granted' | 'timeouts' | 'errors' | 'cancelled';

/**
 * acquire (with the retry policy, within acquireTimeout) → critical section
 * (hold, renewals) → release, recording every step. The caller has already
 * entered the request in `waiters`; this takes it out at grant or failure.
 */
export async function runLockCycle(context: CycleContext, request: LockRequest): Promise<void> {
  const { recorder, lock } = context;
  const { phase } = request;
  const key = context.keyOf(request.resourceId);
  const firstAttempt = monotonicMs();
  let lease: Lease | null = null;
  let outcome: AcquireOutcome = 'granted';
  if (lock.mode === 'single') {
    ({ lease, outcome } = await acquireWithRetry(context, key, phase, firstAttempt));
  }
  const grantedAt = monotonicMs();
  context.waiters.leave(grantedAt);
  if (outcome === 'cancelled') {
    recorder.count(phase, 'cancelled');
    return;
  }
  if (outcome !== 'granted') {
    recorder.failed(phase, outcome, grantedAt - request.intendedStart);
    return;
  }
  recorder.granted(phase, grantedAt - request.intendedStart, grantedAt - firstAttempt);

  const overlapsWith = context.holders.enter(request.resourceId, request.client);
  if (overlapsWith >= 0) {
    recorder.violation(phase, { key, holders: [String(overlapsWith), String(request.client)], atMs: grantedAt - context.startAt });
  }
  const stopRenewal = lease ? startRenewal(context, lease, phase) : undefined;
  if (request.holdMs > 0) await sleep(request.holdMs, context.signal);
  stopRenewal?.();
  context.holders.leave(request.resourceId);
  if (lease) await releaseLease(context, lease, phase);
  const releasedAt = monotonicMs();
  recorder.held(phase, request.holdComponent, releasedAt - grantedAt, releasedAt - request.intendedStart);
}

async function acquireWithRetry(
  context: CycleContext,
  key: string,
  phase: number,
  firstAttempt: number,
): Promise<{ lease: Lease | null; outcome: AcquireOutcome }> {
  const { backend, lock, recorder, signal } = context;
  const deadline = firstAttempt + lock.acquireTimeoutMs;
  // no retry policy: one attempt that queues inside the backend (if it can) for the whole budget
  const queued = lock.retry.strategy === 'none';
  for (let attempt = 0; ; attempt++) {
    recorder.count(phase, 'attempts');
    let lease: Lease | null;
    try {
      lease = await backend.acquire(key, { ttlMs: lock.ttlMs, waitMs: queued ? Math.max(0, deadline - monotonicMs()) : 0, signal });
    } catch (error) {
      context.firstError ??= (error as Error).message;
      return { lease: null, outcome: 'errors' };
    }
    if (lease) {
      if (lease.contended) recorder.count(phase, 'contended');
      return { lease, outcome: 'granted' };
    }
    recorder.count(phase, 'contended');
    if (signal.aborted) return { lease: null, outcome: 'cancelled' };
    const remaining = deadline - monotonicMs();
    if (queued || remaining <= 0) return { lease: null, outcome: 'timeouts' };
    await sleep(Math.min(retryDelayMs(lock.retry, attempt, context.retryRng), remaining), signal);
    if (signal.aborted) return { lease: null, outcome: 'cancelled' };
  }
}

/** Extends the lease every renew.every while held; a failed extend marks the lease lost (counted at release). */
function startRenewal(context: CycleContext, lease: Lease, phase: number): (() => void) | undefined {
  const { backend, lock, recorder } = context;
  if (!lock.renew || !backend.extend) return undefined;
  const extend = backend.extend.bind(backend);
  const timer = setInterval(() => {
    extend(lease, lock.ttlMs).then(
      (extended) => {
        if (extended) return recorder.count(phase, 'renewals');
        lease.lost = true;
        clearInterval(timer);
      },
      (error: Error) => {
        context.firstError ??= error.message;
        lease.lost = true;
        clearInterval(timer);
      },
    );
  }, lock.renew.everyMs);
  return () => clearInterval(timer);
}

/**
 * Releases; work that finished after the lease ran out counts as expired. A lease
 * known to be gone before release (lease.lost: renewal failed, connection
 * dropped, session expired) is counted once as a lost lease.
 */
async function releaseLease(context: CycleContext, lease: Lease, phase: number): Promise<void> {
  const { backend, recorder } = context;
  const expired = monotonicMs() > lease.expiresAt;
  if (expired) recorder.count(phase, 'expired');
  if (lease.lost) {
    recorder.count(phase, 'lostLeases');
    // best effort: a lease whose renewal failed may still be ours on the server
    await backend.release(lease).catch(() => false);
    return;
  }
  try {
    if (await backend.release(lease)) recorder.count(phase, 'released');
    else if (!expired) recorder.count(phase, 'lostLeases');
  } catch (error) {
    // the lease's fate is unknown: it ends by its TTL
    context.firstError ??= (error as Error).message;
    recorder.count(phase, 'lostLeases');
  }
}
