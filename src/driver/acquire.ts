import type { Lease } from '../backends/types.js';
import { monotonicMs, sleep } from '../clock.js';
import type { CycleContext } from './lock-cycle.js';
import { backoffOf, retryDelayMs } from './retry.js';

/** How a request's acquire ended. */
export type AcquireOutcome = 'granted' | 'timeouts' | 'errors' | 'rejected' | 'cancelled';

/** One key's acquire: the lease (when granted) and the attempts it took. */
export interface Acquisition {
  readonly lease: Lease | null;
  readonly outcome: AcquireOutcome;
  readonly attempts: number;
}

/**
 * Acquires `key` with the retry policy until `deadline`. With a circuit breaker every
 * attempt asks it first: while it is open the request fails fast ('rejected').
 */
export async function acquireWithRetry(context: CycleContext, key: string, phase: number, deadline: number): Promise<Acquisition> {
  const { backend, lock, recorder, signal, breaker } = context;
  const backoff = backoffOf(lock.retry);
  // no retry policy: one attempt that queues inside the backend (if it can) for the whole budget
  const queued = backoff.strategy === 'none';
  for (let attempt = 0; ; attempt++) {
    if (breaker && !breaker.allow(monotonicMs())) return { lease: null, outcome: 'rejected', attempts: attempt };
    recorder.attempt(phase);
    let lease: Lease | null;
    try {
      lease = await backend.acquire(key, { ttlMs: lock.ttlMs, waitMs: queued ? Math.max(0, deadline - monotonicMs()) : 0, signal });
    } catch (error) {
      breaker?.record(monotonicMs(), 'error');
      context.firstError ??= (error as Error).message;
      return { lease: null, outcome: 'errors', attempts: attempt + 1 };
    }
    if (lease) {
      breaker?.record(monotonicMs(), 'granted');
      if (lease.contended) recorder.contended(phase);
      return { lease, outcome: 'granted', attempts: attempt + 1 };
    }
    recorder.contended(phase);
    if (signal.aborted) {
      breaker?.abandonProbe();
      return { lease: null, outcome: 'cancelled', attempts: attempt + 1 };
    }
    breaker?.record(monotonicMs(), 'busy');
    const remaining = deadline - monotonicMs();
    if (queued || remaining <= 0) return { lease: null, outcome: 'timeouts', attempts: attempt + 1 };
    await sleep(Math.min(retryDelayMs(backoff, attempt, context.retryRng), remaining), signal);
    if (signal.aborted) return { lease: null, outcome: 'cancelled', attempts: attempt + 1 };
  }
}

/**
 * Releases; work that finished after the lease ran out counts as expired. A lease
 * known to be gone before release (lease.lost: renewal failed, connection
 * dropped, session expired) is counted once as a lost lease.
 */
export async function releaseLease(context: CycleContext, lease: Lease, phase: number): Promise<void> {
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
    if (await backend.release(lease)) recorder.released(phase);
    else if (!expired) recorder.count(phase, 'lostLeases');
  } catch (error) {
    // the lease's fate is unknown: it ends by its TTL
    context.firstError ??= (error as Error).message;
    recorder.count(phase, 'lostLeases');
  }
}
