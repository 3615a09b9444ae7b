import type { BackoffSpec, RetrySpec } from '../scenario/types.js';
import type { Rng } from '../workload/types.js';

/** The backoff between attempts: the strategy itself, or the one a circuit breaker spaces attempts with. */
export function backoffOf(retry: RetrySpec): BackoffSpec {
  return retry.strategy === 'circuit-breaker' ? retry.backoff : retry;
}

/** The client's pause before retry number `attempt` (0 = after the first failed try). */
export function retryDelayMs(retry: BackoffSpec, attempt: number, rng: Rng): number {
  switch (retry.strategy) {
    case 'none':
      return 0;
    case 'fixed':
      return retry.delayMs;
    case 'exponential':
      return Math.min(retry.maxMs, retry.baseMs * 2 ** attempt);
    case 'exponential-jitter':
      return rng.next() * Math.min(retry.maxMs, retry.baseMs * 2 ** attempt);
  }
}
