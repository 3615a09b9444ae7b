import type { Lease } from '../backends/types.js';
import type { CycleContext } from './lock-cycle.js';

/**
 * Extends a lease every renew.every while it is held; a failed extend marks the lease
 * lost (counted once, at release). A paused client's renewals wait with it: on waking,
 * the overdue renewal fires at once, and fails if the lease ran out meanwhile.
 */
export class Renewal {
  private readonly timer: NodeJS.Timeout;
  private suspended = false;
  private stopped = false;

  private constructor(
    private readonly context: CycleContext,
    private readonly lease: Lease,
    private readonly phase: number,
    everyMs: number,
  ) {
    this.timer = setInterval(() => this.extend(), everyMs);
  }

  /** Starts renewing `lease`; undefined when the scenario has no renewal or the backend cannot extend. */
  static start(context: CycleContext, lease: Lease, phase: number): Renewal | undefined {
    const { lock, backend } = context;
    if (!lock.renew || !backend.extend) return undefined;
    return new Renewal(context, lease, phase, lock.renew.everyMs);
  }

  /** The client froze (a GC pause): no renewal until it wakes. */
  suspend(): void {
    this.suspended = true;
  }

  /** The client woke: the renewal it missed fires now. */
  resume(): void {
    this.suspended = false;
    this.extend();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private extend(): void {
    if (this.suspended || this.stopped) return;
    const { backend, lock, recorder } = this.context;
    backend.extend!(this.lease, lock.ttlMs).then(
      (extended) => {
        if (extended) return recorder.count(this.phase, 'renewals');
        this.lease.lost = true;
        this.stop();
      },
      (error: Error) => {
        this.context.firstError ??= error.message;
        this.lease.lost = true;
        this.stop();
      },
    );
  }
}
