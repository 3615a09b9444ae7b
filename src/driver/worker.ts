import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createBackend, resolveBackend } from '../backends/registry.js';
import type { LockBackend } from '../backends/types.js';
import { monotonicMs } from '../clock.js';
import { BackendUnavailableError, ScenarioError } from '../errors.js';
import { initHistograms } from '../metrics/histogram.js';
import { RunRecorder, type WorkerMeasurements } from '../metrics/recorder.js';
import { WaiterGauge } from '../metrics/waiter-gauge.js';
import { HolderBoard } from '../safety/holder-board.js';
import { drawAmount } from '../safety/resource-model.js';
import type { ResourceStore } from '../safety/resource-store.js';
import { openResourceStore } from '../safety/resource-stores.js';
import { createArrivalSchedule } from '../workload/arrivals.js';
import { createDistribution } from '../workload/distributions.js';
import { createKeyPicker } from '../workload/keys.js';
import { lockKeySpace } from '../workload/lock-keys.js';
import { createRng, Stream } from '../workload/random.js';
import type { Rng } from '../workload/types.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { ClosedLoop } from './closed-loop.js';
import { blockEventLoop, FaultPlan } from './fault-plan.js';
import { backendContext } from './backend-context.js';
import type { CycleContext } from './lock-cycle.js';
import { OpenLoop } from './open-loop.js';
import { Control, type WorkerMessage, type WorkerOutcome, type WorkerTask } from './protocol.js';

/** Piscina entry: one worker thread's share of the run. */
export default async function runWorker(task: WorkerTask): Promise<WorkerOutcome> {
  let backend: LockBackend | undefined;
  let store: ResourceStore | undefined;
  try {
    await initHistograms();
    const { scenario, workerIndex, workerCount } = task;
    const resolved = await resolveBackend(scenario.backend);
    const context = backendContext(scenario, workerIndex, workerCount);
    backend = await createBackend(resolved, task.backendShared, context);
    await backend.connect();
    if (scenario.resource) store = await openResourceStore(scenario.resource, task.resource);
    post(task, { type: 'ready', worker: workerIndex });
    const startAt = await waitForGo(task.control);
    const measurements = await runShare(task, backend, store, startAt);
    return { status: 'done', measurements };
  } catch (error) {
    const kind = error instanceof BackendUnavailableError ? 'backend-unavailable' : error instanceof ScenarioError ? 'scenario' : 'internal';
    const message = kind === 'internal' ? ((error as Error).stack ?? String(error)) : (error as Error).message;
    return { status: 'failed', kind, message };
  } finally {
    await backend?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    task.port.close();
  }
}

function post(task: WorkerTask, message: WorkerMessage): void {
  task.port.postMessage(message);
}

/** Resolves with the run's start time once the coordinator says go. */
async function waitForGo(control: SharedArrayBuffer): Promise<number> {
  const words = new Int32Array(control, 0, Control.INT_WORDS);
  while (Atomics.load(words, Control.GO) === 0) {
    const waiting = Atomics.waitAsync(words, Control.GO, 0, 60_000);
    if (waiting.async) await waiting.value;
  }
  return new Float64Array(control, Control.INT_WORDS * 4, 1)[0];
}

/** Runs this worker's clients from `startAt` to the end of the schedule (or a stop). */
async function runShare(task: WorkerTask, backend: LockBackend, store: ResourceStore | undefined, startAt: number): Promise<WorkerMeasurements> {
  const { scenario, workerIndex, workerCount } = task;
  const hold = createDistribution(scenario.hold);
  const phaseCount = scenario.load.model === 'open' ? scenario.load.phases.length : 1;
  const faultSpecs = scenario.faults ?? [];
  const recorder = new RunRecorder(workerIndex, phaseCount, hold.components.length, faultSpecs.length);
  const abort = new AbortController();
  const faults = faultSpecs.length > 0 ? new FaultPlan(faultSpecs, startAt, scenario.seed) : undefined;
  const { retry } = scenario.lock;
  const breaker =
    retry.strategy === 'circuit-breaker'
      ? new CircuitBreaker(retry, (from, to, at) => recorder.breakerChanged({ atMs: at - startAt, worker: workerIndex, from, to }))
      : undefined;
  const resource = scenario.resource;
  const keySpace = lockKeySpace(scenario);
  const context: CycleContext = {
    backend,
    lock: scenario.lock,
    recorder,
    holders: new HolderBoard(task.holders),
    keyOf: memoizeKeys(keySpace.keyOf, keySpace.lockableCount),
    startAt,
    signal: abort.signal,
    retryRng: createRng(scenario.seed, Stream.retry, workerIndex),
    waiters: new WaiterGauge(startAt),
    ...(resource && store && { resource: { spec: resource, store, offset: keySpace.stateOffset } }),
    ...(faults?.hasClientFaults && { faults }),
    ...(breaker && { breaker }),
    overlapsCount: !resource?.fencing,
  };
  const keyPicker = createKeyPicker(scenario.resources.pick, scenario.resources.count);
  const { idsOf } = keySpace;
  const perRequest = {
    ...(idsOf && { keysOf: (rng: Rng) => idsOf(keyPicker, rng) }),
    ...(resource?.type === 'wallet' && { amount: (rng: Rng) => drawAmount(resource, rng) }),
  };
  const cancel = (): void => abort.abort();
  const share = (total: number): number => Math.max(1, Math.ceil(total / workerCount));
  const loop =
    scenario.load.model === 'open'
      ? new OpenLoop(context, {
          seed: scenario.seed,
          maxInFlight: share(scenario.maxInFlight),
          maxBacklog: scenario.maxBacklog === 0 ? 0 : share(scenario.maxBacklog),
          keyPicker,
          hold,
          keyRng: createRng(scenario.seed, Stream.key, 0),
          holdRng: createRng(scenario.seed, Stream.hold, 0),
          amountRng: createRng(scenario.seed, Stream.amount, 0),
          drainMs: scenario.drainMs,
          cancel,
          ...perRequest,
        })
      : new ClosedLoop(context, {
          seed: scenario.seed,
          users: usersOf(scenario.load.users, workerIndex, workerCount),
          durationMs: scenario.load.durationMs,
          thinkTime: createDistribution(scenario.load.thinkTime),
          keyPicker,
          hold,
          drainMs: scenario.drainMs,
          cancel,
          ...perRequest,
        });

  // Ctrl-C: the coordinator raises STOP
  const words = new Int32Array(task.control, 0, Control.INT_WORDS);
  let running = true;
  void (async () => {
    while (running && Atomics.load(words, Control.STOP) === 0) {
      const waiting = Atomics.waitAsync(words, Control.STOP, 0, 200);
      if (waiting.async) await waiting.value;
    }
    if (running) cancel();
  })();

  // event-loop-block faults: this thread stops dead for the fault's duration
  const blockTimers = (faults?.loopBlocksOf(workerIndex, workerCount) ?? []).map((block) =>
    setTimeout(() => {
      recorder.faultHit(block.index);
      blockEventLoop(block.end - monotonicMs());
    }, block.start - monotonicMs()),
  );

  const breakerOpen = (): number => (breaker && breaker.state !== 'closed' ? 1 : 0);
  let second = 0;
  let tickTimer: NodeJS.Timeout;
  const scheduleTick = (): void => {
    tickTimer = setTimeout(() => {
      post(task, { type: 'tick', tick: recorder.takeSecond(second++, loop.inFlight, context.waiters.count, breakerOpen()) });
      scheduleTick();
    }, startAt + (second + 1) * 1000 - monotonicMs());
  };
  scheduleTick();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const busyBefore = performance.eventLoopUtilization();

  if (loop instanceof OpenLoop) {
    const phases = scenario.load.model === 'open' ? scenario.load.phases : [];
    await loop.run(createArrivalSchedule(phases, scenario.seed, { index: workerIndex, count: workerCount }));
  } else {
    await loop.run();
  }

  running = false;
  const endedAt = monotonicMs();
  clearTimeout(tickTimer!);
  for (const timer of blockTimers) clearTimeout(timer);
  lag.disable();
  post(task, { type: 'tick', tick: recorder.takeSecond(second, loop.inFlight, context.waiters.count, breakerOpen()) });
  const busy = performance.eventLoopUtilization(busyBefore);
  const measurements = recorder.finish(endedAt, context.waiters.integral(endedAt), context.waiters.max, {
    index: workerIndex,
    eventLoopLagP99Ms: lag.percentile(99) / 1e6,
    eventLoopLagMaxMs: lag.max / 1e6,
    busyPercent: busy.utilization * 100,
    maxDispatchLagMs: loop instanceof OpenLoop ? loop.maxDispatchLagMs : 0,
    ...(context.firstError ? { firstError: context.firstError } : {}),
  }, context.holders.overlapMs);
  return { ...measurements, backendStats: { ...backend.stats?.() } };
}

/**
 * One string per resource id, built on first use: a fresh string each cycle
 * costs the backend a full hash and compare in every Map lookup (~27% of a
 * memory-backend cycle, bench/RESULTS.md).
 */
function memoizeKeys(format: (id: number) => string, count: number): (id: number) => string {
  const keys = new Array<string | undefined>(count);
  return (id) => (keys[id] ??= format(id));
}

/** Users u with u % workerCount === workerIndex. */
function usersOf(users: number, workerIndex: number, workerCount: number): number[] {
  const mine: number[] = [];
  for (let user = workerIndex; user < users; user += workerCount) mine.push(user);
  return mine;
}
