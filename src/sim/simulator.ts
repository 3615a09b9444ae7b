/**
 * The discrete-event simulator behind `lockbench simulate`: the scenario's clients (open or
 * closed model, the same seeded keys, holds and amounts as `run`), its retry policy, circuit
 * breakers, TTLs and renewals, faults and protected resource, against a model of the lock
 * server (src/sim/backend-model.ts) in virtual time. It records into the same RunRecorder as
 * a worker thread, so its report has the run's schema.
 *
 * One acquire costs four events when the key is free (request at the server, answer at the
 * client, release at the server, its answer at the client), plus one per busy answer or
 * queue timeout. Arrivals come straight from the schedule, not through the agenda.
 */
import { CircuitBreaker } from '../driver/circuit-breaker.js';
import { FaultPlan } from '../driver/fault-plan.js';
import { backoffOf, retryDelayMs } from '../driver/retry.js';
import { initHistograms } from '../metrics/histogram.js';
import { mergeMeasurements } from '../metrics/merge.js';
import { RunRecorder, type WorkerMeasurements } from '../metrics/recorder.js';
import type { RunMeasurements } from '../metrics/types.js';
import { WaiterGauge } from '../metrics/waiter-gauge.js';
import { allocateHolderBoard, HolderBoard } from '../safety/holder-board.js';
import { drawAmount, nextValue, Write } from '../safety/resource-model.js';
import { resourceOutcome } from '../safety/resource-store.js';
import { allocateSharedResource, SharedResourceStore, tallySharedResource, type SharedResourceMemory } from '../safety/shared-resource-store.js';
import type { BackoffSpec, ResolvedScenario } from '../scenario/types.js';
import { createArrivalSchedule } from '../workload/arrivals.js';
import { createDistribution } from '../workload/distributions.js';
import { createKeyPicker } from '../workload/keys.js';
import { lockKeySpace, type LockKeySpace } from '../workload/lock-keys.js';
import { createRng, Stream } from '../workload/random.js';
import { phaseWindows, plannedDurationMs } from '../workload/timeline.js';
import type { Arrival, ArrivalSchedule, Distribution, KeyPicker, Rng } from '../workload/types.js';
import type { RunProgress } from '../driver/coordinator.js';
import { backendModelOf, type BackendModel } from './backend-model.js';
import { EventQueue } from './event-queue.js';
import { planHold, renewLease, SimFaults, type HoldPlan } from './hold-plan.js';
import { LockTable } from './lock-table.js';
import { RequestTable, Stage } from './requests.js';

/** What happens at an event (the low 4 bits of its word; the slot is above them). */
const Kind = {
  /** an acquire reaches the server */
  ACQUIRE: 1,
  /** the grant reaches the client */
  GRANTED: 2,
  /** "busy" reaches the client (polling) */
  BUSY: 3,
  /** the client's backoff is over: it tries again */
  RETRY: 4,
  /** the critical section's work is done: write, leave the board, send the release */
  WORK_DONE: 5,
  /** a release reaches the server (extra: the key) */
  RELEASE: 6,
  /** the release's answer reaches the client: the request is done */
  RELEASED: 7,
  /** fifo: the server gives up on a queued acquire */
  QUEUE_TIMEOUT: 8,
  /** the timeout reaches the client */
  TIMED_OUT: 9,
  /** a lease runs out at the server (extra: the key) */
  EXPIRE: 10,
  /** the holder crashes */
  CRASH: 11,
  /** closed model: a user is done thinking and asks (extra: the user) */
  USER_ASKS: 12,
} as const;

const KIND_BITS = 4;
const KIND_MASK = (1 << KIND_BITS) - 1;

/** Events between two checks of the abort signal and the wall clock (a yield to the event loop). */
const EVENTS_PER_SLICE = 1 << 18;

export interface SimulationOptions {
  /** epoch ms written as the report's start (the simulation's time 0) */
  readonly startedAtEpochMs: number;
  /** abort = stop: what was simulated so far is returned, marked interrupted */
  readonly signal?: AbortSignal;
  /** once per simulated second */
  readonly onProgress?: (progress: RunProgress) => void;
}

/** How much work the simulation was (not part of the report: it is the same for the same seed, but says nothing about the system). */
export interface SimulationStats {
  /** events handled, arrivals included */
  readonly events: number;
  /** requests that arrived */
  readonly requests: number;
  /** the most events pending at once */
  readonly maxPending: number;
}

export interface SimulationResult {
  readonly measurements: RunMeasurements;
  readonly model: BackendModel;
  readonly stats: SimulationStats;
}

/** Simulates the scenario in virtual time; deterministic for the scenario's seed. */
export async function simulateScenario(scenario: ResolvedScenario, options: SimulationOptions): Promise<SimulationResult> {
  await initHistograms();
  const simulation = new Simulation(scenario, options);
  return simulation.run();
}

class Simulation {
  private readonly model: BackendModel;
  private readonly agenda = new EventQueue();
  private readonly requests = new RequestTable();
  private readonly locks: LockTable;
  private readonly recorder: RunRecorder;
  private readonly waiters = new WaiterGauge(0);
  /** the ground truth of a mutex (and of mode none): who believes it holds what, since when */
  private readonly board?: HolderBoard;
  /** a semaphore's ground truth: how many believe they hold each key */
  private readonly believers?: Int32Array;
  private readonly halfRoundTrip = (): number => this.sampleRtt() / 2;
  private readonly keySpace: LockKeySpace;
  private readonly keyPicker: KeyPicker;
  private readonly hold: Distribution;
  private readonly rtt: Distribution;
  private readonly service: Distribution;
  private readonly serviceIsZero: boolean;
  private readonly rttIsZero: boolean;
  private readonly backoff: BackoffSpec;
  private readonly breakers: CircuitBreaker[] = [];
  private readonly faults?: SimFaults;
  private readonly resource?: { readonly store: SharedResourceStore; readonly memory: SharedResourceMemory };
  private readonly keyRng: Rng;
  private readonly holdRng: Rng;
  private readonly amountRng: Rng;
  private readonly thinkRng: Rng;
  /** continuous streams: the simulation is one thread, so they need no per-request reseeding */
  private readonly rttRng: Rng;
  private readonly retryRng: Rng;
  private readonly serviceRng: Rng;
  private readonly thinkTime?: Distribution;
  private readonly holdPlan: HoldPlan = { at: 0, crashed: false, hits: [], pauses: [] };
  private readonly renewOut = { renewals: 0, lost: false };
  private readonly overlapsCount: boolean;
  private readonly fifo: boolean;
  private readonly ttlMs: number;
  private readonly lockless: boolean;
  private readonly users: number;
  private readonly loadEndMs: number;
  private readonly stopAt: number;

  private now = 0;
  private inFlight = 0;
  /** closed model: users thinking whose next request is on the agenda */
  private asksPending = 0;
  private events = 0;
  private arrivals = 0;
  private maxPending = 0;
  /** the server's capacity stage: when it is next free */
  private serverFreeAt = 0;
  private second = 0;
  private readonly backlog: Arrival[] = [];
  private backlogHead = 0;
  private schedule?: ArrivalSchedule;
  private nextArrival?: Arrival;

  constructor(
    private readonly scenario: ResolvedScenario,
    private readonly options: SimulationOptions,
  ) {
    this.model = backendModelOf(scenario);
    this.keySpace = lockKeySpace(scenario);
    this.keyPicker = createKeyPicker(scenario.resources.pick, scenario.resources.count);
    this.hold = createDistribution(scenario.hold);
    this.rtt = createDistribution(this.model.rtt);
    this.service = createDistribution(this.model.serviceTime);
    this.rttIsZero = isZero(this.model.rtt);
    this.serviceIsZero = isZero(this.model.serviceTime);
    const { lock, seed } = scenario;
    this.backoff = backoffOf(lock.retry);
    this.lockless = lock.mode === 'none';
    this.fifo = this.model.discipline === 'fifo';
    this.ttlMs = lock.ttlMs;
    this.locks = new LockTable(this.keySpace.lockableCount, lock.permits, this.requests);
    const phaseCount = scenario.load.model === 'open' ? scenario.load.phases.length : 1;
    const faultSpecs = scenario.faults ?? [];
    this.recorder = new RunRecorder(0, phaseCount, this.hold.components.length, faultSpecs.length);
    // the overlap checker judges a mutex; a semaphore's c holders at once are its point
    if (this.lockless || lock.permits === 1) this.board = new HolderBoard(allocateHolderBoard(this.keySpace.lockableCount), true);
    else this.believers = new Int32Array(this.keySpace.lockableCount);
    this.overlapsCount = !scenario.resource?.fencing;
    if (scenario.resource) {
      const memory = allocateSharedResource(scenario.resource, this.keySpace.stateCount);
      this.resource = { memory, store: new SharedResourceStore(scenario.resource, memory, true) };
    }
    const workers = Math.max(1, scenario.workers);
    if (lock.retry.strategy === 'circuit-breaker') {
      const spec = lock.retry;
      for (let worker = 0; worker < workers; worker++) {
        this.breakers.push(new CircuitBreaker(spec, (from, to, at) => this.recorder.breakerChanged({ atMs: at, worker, from, to })));
      }
    }
    if (faultSpecs.length > 0) {
      const plan = new FaultPlan(faultSpecs, 0, seed);
      const loopBlocks = faultSpecs.flatMap((fault, index) => {
        if (fault.type !== 'event-loop-block') return [];
        const blocked = Math.max(1, Math.ceil(fault.fraction * workers));
        for (let n = 0; n < blocked; n++) this.recorder.faultHit(index);
        return [{ window: { index, type: fault.type, start: fault.atMs, end: fault.atMs + fault.durationMs, fraction: fault.fraction }, workers: blocked }];
      });
      this.faults = new SimFaults(plan, loopBlocks, workers);
    }
    this.keyRng = createRng(seed, Stream.key, 0);
    this.holdRng = createRng(seed, Stream.hold, 0);
    this.amountRng = createRng(seed, Stream.amount, 0);
    this.thinkRng = createRng(seed, Stream.think, 0);
    this.rttRng = createRng(seed, Stream.rtt, 0);
    this.retryRng = createRng(seed, Stream.retry, 0);
    this.serviceRng = createRng(seed, Stream.rtt, 1);
    this.loadEndMs = plannedDurationMs(scenario);
    this.stopAt = this.loadEndMs + scenario.drainMs;
    if (scenario.load.model === 'closed') {
      this.users = scenario.load.users;
      this.thinkTime = createDistribution(scenario.load.thinkTime);
    } else {
      this.users = 0;
      this.schedule = createArrivalSchedule(scenario.load.phases, seed, { index: 0, count: 1 });
      this.nextArrival = this.schedule.next();
    }
  }

  async run(): Promise<SimulationResult> {
    for (let user = 0; user < this.users; user++) this.userThinks(user, 0, 1);
    let interrupted = false;
    let nextTick = 1000;
    const agenda = this.agenda;
    const signal = this.options.signal;
    for (let slice = 0; ; slice++) {
      if (slice > 0) await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted) {
        interrupted = true;
        break;
      }
      let budget = EVENTS_PER_SLICE;
      let done = false;
      for (; budget > 0; budget--) {
        if (this.idle()) {
          done = true;
          break;
        }
        const arrivalAt = this.nextArrival ? this.nextArrival.atMs : Infinity;
        const eventAt = agenda.nextTime;
        const at = arrivalAt <= eventAt ? arrivalAt : eventAt;
        if (at > this.stopAt) {
          done = true;
          break;
        }
        let word = 0;
        let extra = 0;
        if (arrivalAt > eventAt) {
          agenda.pop();
          word = agenda.word;
          extra = agenda.extra;
          // a queued wait that ended in a grant left its timeout behind: it is no event, and must not move the clock
          if (this.isMoot(word, extra)) continue;
        }
        if (at >= nextTick) {
          while (at >= nextTick) {
            this.tick();
            nextTick += 1000;
          }
          // a progress listener (an abortOnFail gate) may have stopped the simulation at this second
          if (signal?.aborted) {
            if (arrivalAt > eventAt) agenda.push(at, word, extra);
            break;
          }
        }
        this.now = at;
        this.events++;
        if (arrivalAt <= eventAt) {
          const arrival = this.nextArrival!;
          this.nextArrival = this.schedule!.next();
          this.arrive(arrival);
        } else {
          if (agenda.size + 1 > this.maxPending) this.maxPending = agenda.size + 1;
          this.dispatch(word, extra);
        }
      }
      if (done) break;
    }
    // the drain ran out with requests still going: they are cut off at its end
    const endMs = interrupted ? this.now : this.idle() ? Math.max(this.loadEndMs, this.now) : this.stopAt;
    if (!this.idle()) this.cutOff(endMs);
    while (endMs >= nextTick) {
      this.tick();
      nextTick += 1000;
    }
    return this.result(endMs, interrupted);
  }

  /** Nothing more can happen to a request: no arrival to come, none in flight or in the backlog, no user about to ask. */
  private idle(): boolean {
    return this.nextArrival === undefined && this.requests.active === 0 && this.backlogHead >= this.backlog.length && this.asksPending === 0;
  }

  /** An agenda entry that no longer means anything: the timeout of a queued acquire that was granted (or of a request long gone). */
  private isMoot(word: number, extra: number): boolean {
    if ((word & KIND_MASK) !== Kind.QUEUE_TIMEOUT) return false;
    const slot = word >> KIND_BITS;
    return this.requests.serial[slot] !== extra || this.requests.queuedOn[slot] < 0;
  }

  private dispatch(word: number, extra: number): void {
    const slot = word >> KIND_BITS;
    const r = this.requests;
    switch (word & KIND_MASK) {
      case Kind.ACQUIRE:
        if (r.serial[slot] === extra) this.acquireAtServer(slot);
        return;
      case Kind.GRANTED:
        this.grantedAtClient(slot);
        return;
      case Kind.BUSY:
        this.busyAtClient(slot);
        return;
      case Kind.RETRY:
        this.sendAcquire(slot);
        return;
      case Kind.WORK_DONE:
        this.workDone(slot);
        return;
      case Kind.RELEASE:
        this.releaseAtServer(slot, extra);
        return;
      case Kind.RELEASED:
        this.releasedAtClient(slot);
        return;
      case Kind.QUEUE_TIMEOUT:
        this.queueTimeout(slot);
        return;
      case Kind.TIMED_OUT:
        this.timedOutAtClient(slot);
        return;
      case Kind.EXPIRE:
        // the word carries the key, the extra the serial of the request whose lease it was (that request may be long gone: a crash)
        this.expire(slot, extra);
        return;
      case Kind.CRASH:
        this.crash(slot);
        return;
      case Kind.USER_ASKS:
        // the word carries the cycle, the extra the user
        this.userAsks(extra, slot);
        return;
    }
  }

  private push(at: number, slot: number, kind: number, extra = 0): void {
    this.agenda.push(at, (slot << KIND_BITS) | kind, extra);
  }

  // ── load ────────────────────────────────────────────────────────────────────

  /** Open model: an arrival is admitted, waits in the backlog, or is dropped (like OpenLoop). */
  private arrive(arrival: Arrival): void {
    this.arrivals++;
    this.recorder.arrival(arrival.phase);
    if (this.inFlight < this.scenario.maxInFlight) {
      this.waiters.enter(this.now);
      this.admit(arrival.seq, arrival.phase, arrival.seq, arrival.atMs);
    } else if (this.backlog.length - this.backlogHead < this.scenario.maxBacklog) {
      this.waiters.enter(this.now);
      this.backlog.push(arrival);
    } else this.recorder.count(arrival.phase, 'dropped');
  }

  /** Closed model: user `user` thinks before its `cycle`-th request. */
  private userThinks(user: number, from: number, cycle: number): void {
    // a user's draws come from (user, cycle), not one stream per user: millions of users cost no generator objects
    this.thinkRng.reseed(this.scenario.seed, Stream.think, this.drawIndex(user, cycle));
    const at = from + this.thinkTime!.sample(this.thinkRng);
    if (at >= this.loadEndMs) return;
    this.asksPending++;
    this.push(at, cycle, Kind.USER_ASKS, user);
  }

  private userAsks(user: number, cycle: number): void {
    this.asksPending--;
    this.arrivals++;
    this.recorder.arrival(0);
    this.waiters.enter(this.now);
    this.admit(user, 0, this.drawIndex(user, cycle), this.now, cycle);
  }

  /** A distinct draw index per (user, cycle) (arrival seq in the open model). */
  private drawIndex(user: number, cycle: number): number {
    return cycle * this.users + user;
  }

  /** Draws the request's key(s), hold and amount (the same streams and indices as a run's open model) and sends its first acquire. */
  private admit(client: number, phase: number, drawIndex: number, intended: number, cycle = 0): void {
    const seed = this.scenario.seed;
    const r = this.requests;
    const slot = r.open();
    this.inFlight++;
    this.keyRng.reseed(seed, Stream.key, drawIndex);
    this.holdRng.reseed(seed, Stream.hold, drawIndex);
    const ids = this.keySpace.idsOf?.(this.keyPicker, this.keyRng);
    r.ids[slot] = ids;
    r.key[slot] = ids ? ids[0] : this.keyPicker.pick(this.keyRng);
    r.holdMs[slot] = this.hold.sample(this.holdRng);
    r.holdComponent[slot] = this.hold.lastComponent;
    if (this.scenario.resource?.type === 'wallet') {
      this.amountRng.reseed(seed, Stream.amount, drawIndex);
      r.amount[slot] = drawAmount(this.scenario.resource, this.amountRng);
    } else r.amount[slot] = 1;
    r.client[slot] = client;
    r.phase[slot] = phase;
    r.intended[slot] = intended;
    r.firstAttempt[slot] = this.now;
    r.deadline[slot] = this.now + this.scenario.lock.acquireTimeoutMs;
    r.cycle[slot] = cycle;
    if (this.lockless) {
      this.granted(slot);
      return;
    }
    this.sendAcquire(slot);
  }

  /** A request is over: its slot is freed, and the backlog (open) or the user's next think (closed) goes on. */
  private finish(slot: number): void {
    const r = this.requests;
    const cycle = r.cycle[slot];
    const user = r.client[slot];
    r.close(slot);
    this.inFlight--;
    if (this.users > 0) {
      this.userThinks(user, this.now, cycle + 1);
      return;
    }
    if (this.backlogHead < this.backlog.length) {
      const arrival = this.backlog[this.backlogHead++];
      if (this.backlogHead > 4096 && this.backlogHead * 2 > this.backlog.length) {
        this.backlog.splice(0, this.backlogHead);
        this.backlogHead = 0;
      }
      this.admit(arrival.seq, arrival.phase, arrival.seq, arrival.atMs);
    }
  }

  // ── acquire ─────────────────────────────────────────────────────────────────

  private sampleRtt(): number {
    return this.rttIsZero ? 0 : this.rtt.sample(this.rttRng);
  }

  /** The server's answer time for an operation that arrives now: its capacity stage (in arrival order), then its service time. */
  private served(): number {
    let done = this.now;
    const capacity = this.model.capacity;
    if (capacity !== undefined) {
      done = (this.serverFreeAt > done ? this.serverFreeAt : done) + 1000 / capacity;
      this.serverFreeAt = done;
    }
    return this.serviceIsZero ? done : done + this.service.sample(this.serviceRng);
  }

  private breakerOf(slot: number): CircuitBreaker | undefined {
    return this.breakers.length === 0 ? undefined : this.breakers[this.requests.client[slot] % this.breakers.length];
  }

  /** One attempt: asks the breaker, then sends the acquire (it reaches the server half a round trip later). */
  private sendAcquire(slot: number): void {
    const r = this.requests;
    if (this.breakers.length > 0 && !this.breakerOf(slot)!.allow(this.now)) {
      this.fail(slot, 'rejected');
      return;
    }
    this.recorder.attempt(r.phase[slot]);
    r.attempts[slot]++;
    r.keyAttempts[slot]++;
    const roundTrip = this.sampleRtt();
    r.answerLeg[slot] = roundTrip / 2;
    r.waitBudget[slot] = Math.max(0, r.deadline[slot] - this.now);
    this.push(this.now + roundTrip / 2, slot, Kind.ACQUIRE, r.serial[slot]);
  }

  private acquireAtServer(slot: number): void {
    const r = this.requests;
    const key = r.key[slot];
    const locks = this.locks;
    if (locks.isFree(key)) {
      const answerAt = this.served();
      this.grantAtServer(slot, key, answerAt);
      return;
    }
    r.contended[slot] = 1;
    if (this.fifo) {
      // the server keeps it: granted when the key is handed over, or given up when the budget runs out
      locks.enqueue(key, slot);
      this.push(this.now + r.waitBudget[slot], slot, Kind.QUEUE_TIMEOUT, r.serial[slot]);
      return;
    }
    this.push(this.served() + r.answerLeg[slot], slot, Kind.BUSY);
  }

  private grantAtServer(slot: number, key: number, at: number): void {
    const r = this.requests;
    const fence = this.locks.grant(key, slot, at, this.ttlMs);
    if (r.ids[slot]) (r.fences[slot] ??= []).push(fence);
    else r.fence[slot] = fence;
    this.push(at + r.answerLeg[slot], slot, Kind.GRANTED);
  }

  /** Polling: the key was held. Count it, ask the breaker, and back off or give up. */
  private busyAtClient(slot: number): void {
    const r = this.requests;
    this.recorder.contended(r.phase[slot]);
    this.breakerOf(slot)?.record(this.now, 'busy');
    const remaining = r.deadline[slot] - this.now;
    if (this.backoff.strategy === 'none' || remaining <= 0) {
      this.fail(slot, 'timeouts');
      return;
    }
    const delay = retryDelayMs(this.backoff, r.keyAttempts[slot] - 1, this.retryRng);
    this.push(this.now + (delay < remaining ? delay : remaining), slot, Kind.RETRY);
  }

  /** fifo: the server gives up on a queued acquire; the client hears it half a round trip later. */
  private queueTimeout(slot: number): void {
    this.locks.unlink(slot);
    this.push(this.now + this.requests.answerLeg[slot], slot, Kind.TIMED_OUT);
  }

  /** fifo: the client learns its queued acquire was not granted in time (a contended attempt, a busy outcome for the breaker). */
  private timedOutAtClient(slot: number): void {
    this.recorder.contended(this.requests.phase[slot]);
    this.breakerOf(slot)?.record(this.now, 'busy');
    this.fail(slot, 'timeouts');
  }

  /** The request failed: out of the waiters, counted; a multi-key request gives back the keys it got. */
  private fail(slot: number, kind: 'timeouts' | 'rejected'): void {
    const r = this.requests;
    const phase = r.phase[slot];
    this.waiters.leave(this.now);
    this.recorder.failed(phase, kind, this.now - r.intended[slot], r.attempts[slot]);
    const ids = r.ids[slot];
    const held = ids ? r.keyIndex[slot] : 0;
    if (held === 0) {
      this.finish(slot);
      return;
    }
    for (let n = 0; n < held; n++) this.recorder.count(phase, 'partialReleases');
    this.sendReleases(slot, ids!, held);
  }

  // ── hold ────────────────────────────────────────────────────────────────────

  private grantedAtClient(slot: number): void {
    const r = this.requests;
    this.breakerOf(slot)?.record(this.now, 'granted');
    if (r.contended[slot] === 1 && this.fifo) this.recorder.contended(r.phase[slot]);
    r.contended[slot] = 0;
    const ids = r.ids[slot];
    if (ids && r.keyIndex[slot] < ids.length - 1) {
      // mode multi: the next key, in ascending id order
      r.key[slot] = ids[++r.keyIndex[slot]];
      r.keyAttempts[slot] = 0;
      this.sendAcquire(slot);
      return;
    }
    if (ids) r.keyIndex[slot] = ids.length;
    this.granted(slot);
  }

  /** Every lock is held: record the grant, enter the board, read the protected state, and plan the hold. */
  private granted(slot: number): void {
    const r = this.requests;
    const now = this.now;
    const phase = r.phase[slot];
    r.stage[slot] = Stage.HOLDING;
    r.granted[slot] = 1;
    r.grantedAt[slot] = now;
    this.waiters.leave(now);
    this.recorder.granted(phase, now - r.intended[slot], now - r.firstAttempt[slot], r.attempts[slot]);
    const ids = r.ids[slot];
    if (ids) {
      const boardSlots: number[] = [];
      const values: number[] = [];
      const fences = r.fences[slot] ?? [];
      for (let n = 0; n < ids.length; n++) {
        boardSlots.push(this.enterBoard(slot, ids[n]));
        const stateId = this.stateId(ids[n]);
        values.push(stateId >= 0 ? this.resource!.store.read(stateId, fences[n] ?? 0) : 0);
      }
      r.boardSlots[slot] = boardSlots;
      r.values[slot] = values;
    } else {
      const key = r.key[slot];
      r.boardSlot[slot] = this.enterBoard(slot, key);
      if (this.resource) r.value[slot] = this.resource.store.read(this.stateId(key), this.lockless ? 0 : r.fence[slot]);
    }
    this.planHold(slot);
  }

  /** The protected-state id of a lockable id, or -1 when it carries none (an upper level of a hierarchy). */
  private stateId(id: number): number {
    if (!this.resource) return -1;
    const offset = this.keySpace.stateOffset;
    return id >= offset ? id - offset : -1;
  }

  private enterBoard(slot: number, id: number): number {
    const board = this.board;
    const r = this.requests;
    if (!board) {
      // a semaphore: more believers than permits is the overlap
      if (this.believers && ++this.believers[id] > this.locks.permits) this.recorder.overlap(r.phase[slot], this.overlapsCount);
      return -1;
    }
    const boardSlot = board.enter(id, r.client[slot], this.now);
    if (board.others > 0) this.recorder.overlap(r.phase[slot], this.overlapsCount);
    if (board.reclaimedAfterMs >= 0) this.recorder.reclaimed(board.reclaimedAfterMs);
    return boardSlot;
  }

  private leaveBoard(slot: number, id: number, boardSlot: number, crashed: boolean): void {
    const board = this.board;
    if (!board) {
      if (this.believers) this.believers[id]--;
      return;
    }
    if (crashed) board.crash(id, boardSlot, this.now);
    else board.leave(id, boardSlot, this.now);
    const recorder = this.recorder;
    for (let i = 0; i < board.pairCount && recorder.wantsOverlapExamples; i++) {
      recorder.overlapExample({
        key: this.keySpace.keyOf(id),
        holders: [String(board.pairClient[i]), String(this.requests.client[slot])],
        atMs: board.pairSince[i],
        overlapMs: board.pairOverlapMs[i],
      });
    }
  }

  /**
   * The hold from the grant: faults stretch or end it, renewals keep the lease or lose it, and a
   * lease that runs out before the release reaches the server frees the key there (EXPIRE).
   */
  private planHold(slot: number): void {
    const r = this.requests;
    const now = this.now;
    const plan = planHold(this.faults, r.client[slot], now, r.holdMs[slot], this.holdPlan);
    for (const index of plan.hits) this.recorder.faultHit(index);
    if (this.lockless) {
      this.push(plan.at, slot, plan.crashed ? Kind.CRASH : Kind.WORK_DONE);
      return;
    }
    r.releaseLeg[slot] = this.sampleRtt() / 2;
    const releaseArrives = plan.crashed ? Infinity : plan.at + r.releaseLeg[slot];
    const ids = r.ids[slot];
    let expiry: number;
    if (ids) {
      expiry = Infinity;
      for (const id of ids) expiry = Math.min(expiry, this.planLease(slot, id, plan, releaseArrives));
    } else expiry = this.planLease(slot, r.key[slot], plan, releaseArrives);
    // the client's view of its lease: the earliest of its keys' expiries
    r.leaseExpiry[slot] = expiry;
    this.push(plan.at, slot, plan.crashed ? Kind.CRASH : Kind.WORK_DONE);
  }

  /**
   * One key's lease over the hold: renewed (each renewal reaching the server half a round trip
   * later), lost, or run out before the release gets there — then EXPIRE frees the key at the
   * server (a key granted early in a multi-key request may already be past its expiry: at once).
   */
  private planLease(slot: number, key: number, plan: HoldPlan, releaseArrives: number): number {
    const r = this.requests;
    const serial = r.serial[slot];
    let expiry = this.locks.expiryOf(key, serial) ?? this.now;
    const renew = this.scenario.lock.renew;
    if (renew) {
      expiry = renewLease(plan, this.now, expiry, renew.everyMs, this.ttlMs, this.halfRoundTrip, this.renewOut);
      r.renewals[slot] += this.renewOut.renewals;
      if (this.renewOut.lost) r.lost[slot] = 1;
      this.locks.extend(key, slot, expiry);
    }
    if (expiry < releaseArrives) this.push(Math.max(this.now, expiry), key, Kind.EXPIRE, serial);
    return expiry;
  }

  /** The work is done: write the protected state, leave the board, count renewals, send the release(s). */
  private workDone(slot: number): void {
    const r = this.requests;
    const phase = r.phase[slot];
    const ids = r.ids[slot];
    if (this.resource) this.writeResource(slot, ids);
    if (ids) {
      const boardSlots = r.boardSlots[slot]!;
      for (let n = 0; n < ids.length; n++) this.leaveBoard(slot, ids[n], boardSlots[n], false);
    } else this.leaveBoard(slot, r.key[slot], r.boardSlot[slot], false);
    for (let n = 0; n < r.renewals[slot]; n++) this.recorder.count(phase, 'renewals');
    if (this.lockless) {
      this.recordHeld(slot);
      this.finish(slot);
      return;
    }
    r.stage[slot] = Stage.RELEASING;
    if (ids) this.sendReleases(slot, ids, ids.length);
    else this.sendReleases(slot, undefined, 1);
  }

  private writeResource(slot: number, ids: readonly number[] | undefined): void {
    const r = this.requests;
    const { store } = this.resource!;
    const spec = this.scenario.resource!;
    const phase = r.phase[slot];
    const amount = r.amount[slot];
    if (!ids) {
      const value = nextValue(spec, r.value[slot], amount);
      if (Number.isNaN(value)) store.skip();
      else this.recordWrite(phase, store.write(this.stateId(r.key[slot]), this.lockless ? 0 : r.fence[slot], value, amount));
      return;
    }
    // every key is written, or none when one of them has nothing to do (like the run's multi cycle)
    const values = r.values[slot]!;
    const fences = r.fences[slot] ?? [];
    const next: number[] = [];
    for (let n = 0; n < ids.length; n++) if (this.stateId(ids[n]) >= 0) next.push(nextValue(spec, values[n], amount));
    if (next.some((value) => Number.isNaN(value))) {
      store.skip();
      return;
    }
    let written = 0;
    for (let n = 0; n < ids.length; n++) {
      const stateId = this.stateId(ids[n]);
      if (stateId >= 0) this.recordWrite(phase, store.write(stateId, fences[n] ?? 0, next[written++], amount));
    }
  }

  private recordWrite(phase: number, result: number): void {
    if (result & Write.DAMAGE) this.recorder.violation(phase);
    if ((result & (Write.ACCEPTED | Write.STALE)) === (Write.ACCEPTED | Write.STALE)) this.recorder.violation(phase);
  }

  // ── release ─────────────────────────────────────────────────────────────────

  /** Sends the release of the first `count` keys (all at once; each reaches the server after the release leg). */
  private sendReleases(slot: number, ids: readonly number[] | undefined, count: number): void {
    const r = this.requests;
    r.stage[slot] = Stage.RELEASING;
    if (r.granted[slot] === 0) r.releaseLeg[slot] = this.sampleRtt() / 2;
    r.pendingReleases[slot] = count;
    const at = this.now + r.releaseLeg[slot];
    if (ids) for (let n = 0; n < count; n++) this.push(at, slot, Kind.RELEASE, ids[n]);
    else this.push(at, slot, Kind.RELEASE, r.key[slot]);
  }

  /** A release reaches the server: the key is freed (if the lease was still this request's) and handed to the next waiter. */
  private releaseAtServer(slot: number, key: number): void {
    const r = this.requests;
    const locks = this.locks;
    const phase = r.phase[slot];
    const answerAt = this.served();
    const ours = locks.release(key, slot);
    if (ours) this.handOver(key, answerAt);
    if (r.granted[slot] === 1) {
      // like the run's releaseLease: expired by the client's clock, lost, released, or gone
      const expired = this.now - r.releaseLeg[slot] > r.leaseExpiry[slot];
      if (expired) this.recorder.count(phase, 'expired');
      if (r.lost[slot] === 1) this.recorder.count(phase, 'lostLeases');
      else if (ours) this.recorder.released(phase);
      else if (!expired) this.recorder.count(phase, 'lostLeases');
    } else if (ours) this.recorder.released(phase);
    if (--r.pendingReleases[slot] === 0) this.push(answerAt + r.releaseLeg[slot], slot, Kind.RELEASED);
  }

  /** fifo: a freed key goes to the first request still waiting for it (decided at `at`, when the server answers). */
  private handOver(key: number, at: number): void {
    if (!this.fifo) return;
    const locks = this.locks;
    while (locks.isFree(key)) {
      const next = locks.dequeue(key);
      if (next < 0) return;
      this.grantAtServer(next, key, at);
    }
  }

  private releasedAtClient(slot: number): void {
    if (this.requests.granted[slot] === 1) this.recordHeld(slot);
    this.finish(slot);
  }

  private recordHeld(slot: number): void {
    const r = this.requests;
    this.recorder.held(r.phase[slot], r.holdComponent[slot], this.now - r.grantedAt[slot], this.now - r.intended[slot]);
  }

  /** A lease ran out at the server before its release came: the key is free for the next waiter. */
  private expire(key: number, serial: number): void {
    if (this.locks.expire(key, serial, this.now)) this.handOver(key, this.now);
  }

  /** The holder died: off the board, no write, no release; its keys stay locked until their leases run out. */
  private crash(slot: number): void {
    const r = this.requests;
    for (let n = 0; n < r.renewals[slot]; n++) this.recorder.count(r.phase[slot], 'renewals');
    const ids = r.ids[slot] ?? [r.key[slot]];
    const boardSlots = r.boardSlots[slot] ?? [r.boardSlot[slot]];
    for (let n = 0; n < ids.length; n++) {
      this.leaveBoard(slot, ids[n], boardSlots[n], true);
      this.recorder.crashed({
        key: this.keySpace.keyOf(ids[n]),
        client: String(r.client[slot]),
        atMs: this.now,
        ghostMs: this.lockless ? 0 : Math.max(0, r.leaseExpiry[slot] - this.now),
      });
    }
    this.finish(slot);
  }

  // ── time ────────────────────────────────────────────────────────────────────

  /** The end of a simulated second: the series point, and progress. */
  private tick(): void {
    const breakerOpen = this.breakers.reduce((open, breaker) => open + (breaker.state === 'closed' ? 0 : 1), 0);
    const tick = this.recorder.takeSecond(this.second++, this.inFlight, this.waiters.count, breakerOpen);
    const onProgress = this.options.onProgress;
    if (onProgress) {
      const totals = tick.totals;
      onProgress({
        elapsedMs: this.second * 1000,
        totalMs: this.loadEndMs,
        phase: this.phaseAt(this.second * 1000 - 1),
        acquiredPerSec: tick.acquired,
        p99Ms: this.recorder.acquireP99Ms(),
        inFlight: this.inFlight,
        waiters: this.waiters.count,
        acquired: totals.acquired,
        failed: totals.failed,
        totals,
      });
    }
  }

  private phaseAt(ms: number): string {
    const windows = phaseWindows(this.scenario);
    return (windows.find((window) => ms < window.endMs) ?? windows[windows.length - 1]).name;
  }

  /**
   * The drain is over (or the simulation was stopped): what still waits is cancelled; a holder
   * ends its work now (the run's aborted sleep: it writes, leaves the board and releases); a
   * release under way is counted held without waiting for its answer.
   */
  private cutOff(at: number): void {
    this.now = at;
    const r = this.requests;
    for (let slot = 0; slot < r.highWater; slot++) {
      const stage = r.stage[slot];
      if (stage === Stage.FREE) continue;
      if (stage === Stage.ACQUIRING) {
        if (r.queuedOn[slot] >= 0) this.locks.unlink(slot);
        // a queued acquire found the key held (the run counts the aborted attempt as contended)
        if (this.fifo && r.contended[slot] === 1) this.recorder.contended(r.phase[slot]);
        this.waiters.leave(at);
        this.recorder.count(r.phase[slot], 'cancelled');
      } else if (stage === Stage.HOLDING) {
        const ids = r.ids[slot];
        if (this.resource) this.writeResource(slot, ids);
        if (ids) ids.forEach((id, n) => this.leaveBoard(slot, id, r.boardSlots[slot]![n], false));
        else this.leaveBoard(slot, r.key[slot], r.boardSlot[slot], false);
        if (!this.lockless) for (let n = 0; n < (ids?.length ?? 1); n++) this.recorder.released(r.phase[slot]);
        // the renewals sent before the cut
        const renew = this.scenario.lock.renew;
        const renewed = renew ? Math.min(r.renewals[slot], Math.floor((at - r.grantedAt[slot]) / renew.everyMs)) : 0;
        for (let n = 0; n < renewed; n++) this.recorder.count(r.phase[slot], 'renewals');
        this.recordHeld(slot);
      } else {
        // releases on their way complete (a release is not aborted)
        for (let n = 0; n < r.pendingReleases[slot]; n++) this.recorder.released(r.phase[slot]);
        if (r.granted[slot] === 1) this.recordHeld(slot);
      }
      r.close(slot);
      this.inFlight--;
    }
    for (let i = this.backlogHead; i < this.backlog.length; i++) {
      this.recorder.count(this.backlog[i].phase, 'cancelled');
      this.waiters.leave(at);
    }
    this.backlog.length = this.backlogHead = 0;
  }

  private result(endMs: number, interrupted: boolean): SimulationResult {
    const scenario = this.scenario;
    const worker: WorkerMeasurements = this.recorder.finish(endMs, this.waiters.integral(endMs), this.waiters.max, {
      index: 0,
      eventLoopLagP99Ms: 0,
      eventLoopLagMaxMs: 0,
      busyPercent: 0,
      maxDispatchLagMs: 0,
    }, this.board?.overlapMs ?? 0);
    const resource =
      scenario.resource && this.resource ? resourceOutcome(scenario.resource, tallySharedResource(this.resource.memory)) : undefined;
    const measurements = mergeMeasurements({
      workers: [worker],
      phases: phaseWindows(scenario),
      holdComponents: this.hold.components.map((name, index) => ({
        name,
        weight: scenario.hold.type === 'mix' ? scenario.hold.of[index].weight : 1,
      })),
      startedAtEpochMs: this.options.startedAtEpochMs,
      durationMs: endMs,
      interrupted,
      overlapsCounted: this.overlapsCount,
      faultCount: scenario.faults?.length ?? 0,
      ...(resource && { resource }),
    });
    return {
      // the simulation is one process standing for `workers` threads; the report says how many it modelled
      measurements: { ...measurements, workers: Math.max(1, scenario.workers), generator: { workers: [] } },
      model: this.model,
      stats: { events: this.events, requests: this.arrivals, maxPending: this.maxPending },
    };
  }
}

function isZero(spec: BackendModel['rtt']): boolean {
  return spec.type === 'constant' && spec.value === 0;
}
