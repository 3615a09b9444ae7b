import type { CircuitBreakerSpec } from '../scenario/types.js';

/** closed: attempts go through; open: requests fail fast; half-open: one probe decides. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Called on every state change, with the time on the shared monotonic clock. */
export type BreakerListener = (from: BreakerState, to: BreakerState, at: number) => void;

/** Buckets of the sliding window: failures age out a tenth of the window at a time. */
const BUCKETS = 10;

/**
 * One worker thread's circuit breaker around acquire attempts (the lock-storm and HDFC
 * stories: fail fast instead of piling retries on a struggling lock service).
 * The failure rate is counted over a sliding window of BUCKETS buckets.
 */
export class CircuitBreaker {
  state: BreakerState = 'closed';
  private readonly attempts = new Float64Array(BUCKETS);
  private readonly failures = new Float64Array(BUCKETS);
  private readonly bucketMs: number;
  /** index of the bucket that `bucketStart` belongs to, and its start */
  private bucket = 0;
  private bucketStart = 0;
  private openedAt = 0;
  private probing = false;

  constructor(
    private readonly spec: CircuitBreakerSpec,
    private readonly onChange: BreakerListener,
  ) {
    this.bucketMs = spec.windowMs / BUCKETS;
  }

  /** May an attempt go to the backend now? false = fail fast. A true in half-open makes the caller the probe. */
  allow(now: number): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (now - this.openedAt < this.spec.openForMs) return false;
      this.change('half-open', now);
    }
    if (this.probing) return false;
    this.probing = true;
    return true;
  }

  /** The outcome of an attempt that `allow` let through. */
  record(now: number, outcome: 'granted' | 'busy' | 'error'): void {
    const failed = outcome === 'error' || (outcome === 'busy' && this.spec.countBusy);
    if (this.state === 'half-open' && this.probing) {
      this.probing = false;
      if (failed) this.open(now);
      else {
        this.resetWindow(now);
        this.change('closed', now);
      }
      return;
    }
    if (this.state !== 'closed') return; // a late answer to an attempt made before the breaker opened
    this.advance(now);
    this.attempts[this.bucket]++;
    if (failed) this.failures[this.bucket]++;
    let attempts = 0;
    let failures = 0;
    for (let i = 0; i < BUCKETS; i++) {
      attempts += this.attempts[i];
      failures += this.failures[i];
    }
    if (attempts >= this.spec.minAttempts && failures / attempts >= this.spec.failureRate) this.open(now);
  }

  /** The probe was abandoned (the request was cancelled): let another one through. */
  abandonProbe(): void {
    this.probing = false;
  }

  private open(now: number): void {
    this.openedAt = now;
    this.probing = false;
    this.change('open', now);
  }

  private change(to: BreakerState, now: number): void {
    const from = this.state;
    this.state = to;
    this.onChange(from, to, now);
  }

  /** Moves the current bucket up to `now`, clearing the buckets that aged out. */
  private advance(now: number): void {
    if (this.bucketStart === 0) this.bucketStart = now;
    const steps = Math.floor((now - this.bucketStart) / this.bucketMs);
    if (steps <= 0) return;
    for (let i = 1; i <= Math.min(steps, BUCKETS); i++) {
      const index = (this.bucket + i) % BUCKETS;
      this.attempts[index] = 0;
      this.failures[index] = 0;
    }
    this.bucket = (this.bucket + steps) % BUCKETS;
    this.bucketStart += steps * this.bucketMs;
  }

  private resetWindow(now: number): void {
    this.attempts.fill(0);
    this.failures.fill(0);
    this.bucket = 0;
    this.bucketStart = now;
  }
}
