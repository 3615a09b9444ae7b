import { monotonicMs, sleep } from '../clock.js';
import type { Arrival, ArrivalSchedule, Rng } from '../workload/types.js';
import { Stream } from '../workload/random.js';
import { runLockCycle, type CycleContext, type LoadShareSettings } from './lock-cycle.js';

/** This worker's share of the run's limits and draws. */
export interface OpenLoopSettings extends LoadShareSettings {
  readonly maxInFlight: number;
  readonly maxBacklog: number;
  /** reseeded per arrival seq, so draws never depend on the worker count */
  readonly keyRng: Rng;
  readonly holdRng: Rng;
  readonly amountRng: Rng;
}

/** Arrivals dispatched in one go before the loop yields to timers and I/O. */
const BURST = 1024;

/**
 * The open model: arrivals are dispatched at their intended start whatever the
 * backend does. Up to maxInFlight are admitted at once; the rest wait in the
 * backlog (latency still counted from the intended start) up to maxBacklog;
 * beyond that they are dropped and counted.
 */
export class OpenLoop {
  inFlight = 0;
  maxDispatchLagMs = 0;
  private readonly backlog: Arrival[] = [];
  private backlogHead = 0;
  private idle?: () => void;
  private schedule?: ArrivalSchedule;
  private next?: Arrival;

  constructor(
    private readonly context: CycleContext,
    private readonly settings: OpenLoopSettings,
  ) {}


  /** Dispatches the whole schedule, then drains; resolves when nothing is in flight. */
  async run(schedule: ArrivalSchedule): Promise<void> {
    const { signal, startAt } = this.context;
    this.schedule = schedule;
    this.next = schedule.next();
    while (this.next !== undefined && !signal.aborted) {
      const wait = this.next.atMs - (monotonicMs() - startAt);
      if (wait > 0) await sleep(wait, signal);
      else if (this.dispatchDue()) await new Promise((resolve) => setImmediate(resolve));
    }
    await this.drain();
  }

  /**
   * Dispatches the arrivals whose intended start has passed (up to a burst);
   * true when more are already due. The waiter sampler calls it too, so an
   * arrival is a waiter from its intended start, not from when a timer noticed it.
   */
  dispatchDue(): boolean {
    const now = monotonicMs() - this.context.startAt;
    for (let burst = 0; this.next !== undefined && this.next.atMs <= now; burst++) {
      if (burst === BURST || this.context.signal.aborted) return true;
      const lag = now - this.next.atMs;
      if (lag > this.maxDispatchLagMs) this.maxDispatchLagMs = lag;
      this.arrive(this.next, now);
      this.next = this.schedule?.next();
    }
    return false;
  }

  private arrive(arrival: Arrival, now: number): void {
    const { recorder, waiters, startAt } = this.context;
    recorder.arrival(arrival.phase);
    if (this.inFlight < this.settings.maxInFlight) {
      // a waiter from its intended start, which the dispatch may have missed by a timer tick
      waiters.enter(startAt + arrival.atMs);
      this.admit(arrival);
    } else if (this.backlog.length - this.backlogHead < this.settings.maxBacklog) {
      waiters.enter(startAt + arrival.atMs);
      this.backlog.push(arrival);
    } else recorder.count(arrival.phase, 'dropped');
  }

  private admit(arrival: Arrival): void {
    const { settings, context } = this;
    settings.keyRng.reseed(settings.seed, Stream.key, arrival.seq);
    settings.holdRng.reseed(settings.seed, Stream.hold, arrival.seq);
    const resourceIds = settings.keysOf?.(settings.keyRng);
    const resourceId = resourceIds ? resourceIds[0] : settings.keyPicker.pick(settings.keyRng);
    const holdMs = settings.hold.sample(settings.holdRng);
    let amount = 1;
    if (settings.amount) {
      settings.amountRng.reseed(settings.seed, Stream.amount, arrival.seq);
      amount = settings.amount(settings.amountRng);
    }
    this.inFlight++;
    runLockCycle(context, {
      client: arrival.seq,
      phase: arrival.phase,
      resourceId,
      ...(resourceIds && { resourceIds }),
      amount,
      holdMs,
      holdComponent: settings.hold.lastComponent,
      intendedStart: context.startAt + arrival.atMs,
    }).then(
      () => this.finished(),
      (error: Error) => {
        context.firstError ??= error.message;
        this.finished();
      },
    );
  }

  private finished(): void {
    this.inFlight--;
    if (this.backlogHead < this.backlog.length && !this.context.signal.aborted) {
      const arrival = this.backlog[this.backlogHead++];
      if (this.backlogHead > 4096 && this.backlogHead * 2 > this.backlog.length) {
        this.backlog.splice(0, this.backlogHead);
        this.backlogHead = 0;
      }
      this.admit(arrival);
    }
    if (this.inFlight === 0) this.idle?.();
  }

  /** Waits for in-flight and backlogged requests, at most drainMs; then cancels what is left. */
  private async drain(): Promise<void> {
    const { signal } = this.context;
    if (this.inFlight > 0 && !signal.aborted) {
      const drained = new Promise<void>((resolve) => (this.idle = resolve));
      const timer = setTimeout(this.settings.cancel, this.settings.drainMs);
      await Promise.race([drained, new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))]);
      clearTimeout(timer);
    }
    // stopped: the backlog never got a slot
    const now = monotonicMs();
    for (let i = this.backlogHead; i < this.backlog.length; i++) {
      this.context.recorder.count(this.backlog[i].phase, 'cancelled');
      this.context.waiters.leave(now);
    }
    this.backlog.length = this.backlogHead = 0;
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }
}
