import { monotonicMs, sleep } from '../clock.js';
import type { Distribution } from '../workload/types.js';
import { createRng, Stream } from '../workload/random.js';
import { runLockCycle, type CycleContext, type LoadShareSettings } from './lock-cycle.js';

export interface ClosedLoopSettings extends LoadShareSettings {
  /** the users this worker runs (global ids) */
  readonly users: readonly number[];
  readonly durationMs: number;
  readonly thinkTime: Distribution;
}

/** Cycles a user runs back to back before it lets timers and I/O in. */
const CYCLES_PER_YIELD = 64;

/**
 * The closed model: each user thinks, then asks for a lock, and waits for the
 * answer before thinking again. Each user draws from its own seeded streams.
 */
export class ClosedLoop {
  inFlight = 0;

  constructor(
    private readonly context: CycleContext,
    private readonly settings: ClosedLoopSettings,
  ) {}

  async run(): Promise<void> {
    // the go signal comes a little before the start: no user asks before it
    await sleep(this.context.startAt - monotonicMs(), this.context.signal);
    const endAt = this.context.startAt + this.settings.durationMs;
    const drainTimer = setTimeout(this.settings.cancel, Math.max(0, endAt - monotonicMs()) + this.settings.drainMs);
    await Promise.all(this.settings.users.map((user) => this.runUser(user, endAt)));
    clearTimeout(drainTimer);
  }

  private async runUser(user: number, endAt: number): Promise<void> {
    const { context, settings } = this;
    const keyRng = createRng(settings.seed, Stream.key, user);
    const holdRng = createRng(settings.seed, Stream.hold, user);
    const thinkRng = createRng(settings.seed, Stream.think, user);
    const amountRng = createRng(settings.seed, Stream.amount, user);
    for (let cycle = 1; !context.signal.aborted; cycle++) {
      const thinkMs = settings.thinkTime.sample(thinkRng);
      if (thinkMs > 0) await sleep(thinkMs, context.signal);
      else if (cycle % CYCLES_PER_YIELD === 0) await new Promise((resolve) => setImmediate(resolve));
      const intendedStart = monotonicMs();
      if (intendedStart >= endAt || context.signal.aborted) break;
      context.recorder.arrival(0);
      this.inFlight++;
      context.waiters.enter(intendedStart);
      const resourceIds = settings.keysOf?.(keyRng);
      const resourceId = resourceIds ? resourceIds[0] : settings.keyPicker.pick(keyRng);
      const holdMs = settings.hold.sample(holdRng);
      const amount = settings.amount ? settings.amount(amountRng) : 1;
      try {
        await runLockCycle(context, {
          client: user,
          phase: 0,
          resourceId,
          ...(resourceIds && { resourceIds }),
          amount,
          holdMs,
          holdComponent: settings.hold.lastComponent,
          intendedStart,
        });
      } catch (error) {
        context.firstError ??= (error as Error).message;
      }
      this.inFlight--;
    }
  }
}
