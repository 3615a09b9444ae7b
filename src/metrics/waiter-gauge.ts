/**
 * The number of requests waiting for a lock (backlog + acquiring), integrated
 * exactly over time at every change. Sampling it from a timer is biased: the
 * timer fires in the event loop's timers phase, right after holds end and before
 * the woken waiters run, so it keeps seeing the crowded instant.
 */
export class WaiterGauge {
  count = 0;
  max = 0;
  private area = 0;
  private since: number;

  /** `startAt`: the start of the window, ms on the shared monotonic clock */
  constructor(private readonly startAt: number) {
    this.since = startAt;
  }

  /** One more waiter at `now` (ms). */
  enter(now: number): void {
    this.advance(now);
    if (++this.count > this.max) this.max = this.count;
  }

  /** One waiter fewer at `now`: granted, failed, or cancelled. */
  leave(now: number): void {
    this.advance(now);
    this.count--;
  }

  /** ∫ waiters dt over [startAt, until] in waiter·ms, and the window's length in ms. */
  integral(until: number): { area: number; timeMs: number } {
    this.advance(until);
    return { area: this.area, timeMs: Math.max(0, until - this.startAt) };
  }

  private advance(now: number): void {
    if (now > this.since) {
      this.area += this.count * (now - this.since);
      this.since = now;
    }
  }
}
