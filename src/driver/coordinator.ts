import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { createBackend, resolveBackend } from '../backends/registry.js';
import { monotonicMs } from '../clock.js';
import { BackendUnavailableError, ScenarioError } from '../errors.js';
import { addEncoded, createHistogram, initHistograms } from '../metrics/histogram.js';
import { mergeMeasurements } from '../metrics/merge.js';
import type { SecondTick, WorkerMeasurements } from '../metrics/recorder.js';
import { addTotals, emptyTotals } from '../metrics/totals.js';
import type { RunMeasurements, Totals } from '../metrics/types.js';
import { allocateHolderBoard } from '../safety/holder-board.js';
import { prepareResource, tallyResource } from '../safety/resource-stores.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { createDistribution } from '../workload/distributions.js';
import { lockKeySpace } from '../workload/lock-keys.js';
import { phaseWindows, plannedDurationMs } from '../workload/timeline.js';
import { backendContext } from './backend-context.js';
import { Control, type WorkerMessage, type WorkerOutcome, type WorkerTask } from './protocol.js';

/** A live view of the run, once per second. */
export interface RunProgress {
  readonly elapsedMs: number;
  /** planned length of the schedule, ms (without drain) */
  readonly totalMs: number;
  readonly phase: string;
  /** grants in the last second */
  readonly acquiredPerSec: number;
  /** acquire p99 over the run so far, ms */
  readonly p99Ms: number;
  readonly inFlight: number;
  readonly waiters: number;
  readonly acquired: number;
  readonly failed: number;
  /** every counter so far, summed over each worker's latest second (counters only grow) */
  readonly totals: Totals;
}

export interface RunHooks {
  onProgress?(progress: RunProgress): void;
  /** abort = stop now (Ctrl-C): the measurements so far are returned, marked interrupted */
  readonly signal?: AbortSignal;
}

/** Start a little after the workers are ready so that none misses the first arrivals. */
const START_DELAY_MS = 50;

/** Runs the scenario on worker threads against its backend; returns what was measured. */
export async function runScenario(scenario: ResolvedScenario, hooks: RunHooks = {}): Promise<RunMeasurements> {
  await initHistograms();
  const workerCount = Math.max(1, scenario.workers);
  const resolved = await resolveBackend(scenario.backend);
  const context = backendContext(scenario, -1, workerCount);
  const backendShared = await resolved.factory.prepare?.(resolved.factorySpec, context);
  await checkReachable(await createBackend(resolved, backendShared, context));

  const control = new SharedArrayBuffer(Control.BYTES);
  const controlWords = new Int32Array(control, 0, Control.INT_WORDS);
  const keySpace = lockKeySpace(scenario);
  const holders = allocateHolderBoard(keySpace.lockableCount);
  const resource = scenario.resource ? await prepareResource(scenario.resource, keySpace.stateCount) : undefined;
  const progress = new ProgressTracker(scenario, hooks.onProgress);
  const pool = new Piscina(workerPoolOptions(workerCount));
  let readyCount = 0;
  let startAt = 0;
  let interrupted = false;
  const stop = (): void => {
    Atomics.store(controlWords, Control.STOP, 1);
    Atomics.notify(controlWords, Control.STOP);
    // a worker still waiting for go must not wait forever
    Atomics.store(controlWords, Control.GO, 1);
    Atomics.notify(controlWords, Control.GO);
  };
  const onInterrupt = (): void => {
    interrupted = true;
    stop();
  };
  hooks.signal?.addEventListener('abort', onInterrupt, { once: true });

  const go = (): void => {
    startAt = monotonicMs() + START_DELAY_MS;
    new Float64Array(control, Control.INT_WORDS * 4, 1)[0] = startAt;
    progress.start(startAt);
    Atomics.store(controlWords, Control.GO, 1);
    Atomics.notify(controlWords, Control.GO);
  };

  const startedAtEpochMs = Date.now() + START_DELAY_MS;
  const tasks = Array.from({ length: workerCount }, (_, workerIndex) => {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready' && ++readyCount === workerCount) go();
      else if (message.type === 'tick') progress.add(message.tick);
    });
    const task: WorkerTask = { workerIndex, workerCount, scenario, backendShared, control, holders, resource, port: port2 };
    return pool
      .run(task, { transferList: [port2] })
      .then((outcome: WorkerOutcome) => {
        if (outcome.status === 'failed') stop();
        return outcome;
      })
      .finally(() => setImmediate(() => port1.close()));
  });

  let outcomes: WorkerOutcome[];
  try {
    outcomes = await Promise.all(tasks.map((task) => task.catch((error: Error): WorkerOutcome => ({ status: 'failed', kind: 'internal', message: error.stack ?? error.message }))));
  } finally {
    hooks.signal?.removeEventListener('abort', onInterrupt);
    progress.stop();
    await pool.destroy();
  }
  const failure = outcomes.find((outcome) => outcome.status === 'failed');
  if (failure?.status === 'failed') {
    if (failure.kind === 'backend-unavailable') throw new BackendUnavailableError(failure.message);
    if (failure.kind === 'scenario') throw new ScenarioError(failure.message);
    throw new Error(`worker failed: ${failure.message}`);
  }
  const workers = outcomes.map((outcome) => (outcome as Extract<WorkerOutcome, { status: 'done' }>).measurements);
  // the run lasted until the last worker's load ended (not until the pool was torn down)
  const durationMs = Math.max(...workers.map((worker) => worker.endedAt)) - startAt;
  return mergeMeasurements({
    workers: workers as WorkerMeasurements[],
    phases: phaseWindows(scenario),
    holdComponents: holdComponents(scenario),
    startedAtEpochMs,
    durationMs,
    interrupted,
    overlapsCounted: !scenario.resource?.fencing,
    faultCount: scenario.faults?.length ?? 0,
    ...(scenario.resource && { resource: await tallyResource(scenario.resource, keySpace.stateCount, resource) }),
  });
}

/** The coordinator's own connect: an unreachable backend fails here, before any thread starts. */
async function checkReachable(backend: Awaited<ReturnType<typeof createBackend>>): Promise<void> {
  try {
    await backend.connect();
  } finally {
    await backend.close().catch(() => undefined);
  }
}

/** Workers run from compiled dist/; under vitest (src/*.ts) they load through tsx. */
function workerPoolOptions(workerCount: number): ConstructorParameters<typeof Piscina>[0] {
  const fromSource = import.meta.url.endsWith('.ts');
  return {
    filename: new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url).href,
    minThreads: workerCount,
    maxThreads: workerCount,
    concurrentTasksPerWorker: 1,
    idleTimeout: 1000,
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  };
}

function holdComponents(scenario: ResolvedScenario): Array<{ name: string; weight: number }> {
  if (scenario.hold.type === 'mix') return scenario.hold.of.map((component) => ({ name: component.name, weight: component.weight }));
  return createDistribution(scenario.hold).components.map((name) => ({ name, weight: 1 }));
}

/** Collects the per-second ticks and turns them into progress reports. */
class ProgressTracker {
  private readonly seconds = new Map<number, SecondTick[]>();
  /** each worker's latest tick: its totals so far */
  private readonly latest = new Map<number, SecondTick>();
  private readonly sofar = createHistogram();
  private readonly windows;
  private readonly totalMs;
  private startAt = 0;
  private acquired = 0;
  private failed = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    scenario: ResolvedScenario,
    private readonly onProgress?: (progress: RunProgress) => void,
  ) {
    this.windows = phaseWindows(scenario);
    this.totalMs = plannedDurationMs(scenario);
  }

  start(startAt: number): void {
    this.startAt = startAt;
  }

  /** A worker's second, sent live; the run's series comes from the workers' results, not from here. */
  add(tick: SecondTick): void {
    if (this.stopped) return;
    this.acquired += tick.acquired;
    this.failed += tick.failed;
    addEncoded(this.sofar, tick.acquireHdr);
    if (tick.t >= (this.latest.get(tick.worker)?.t ?? -1)) this.latest.set(tick.worker, tick);
    const second = this.seconds.get(tick.t) ?? [];
    second.push(tick);
    this.seconds.set(tick.t, second);
    // report a second once a tick for it arrived; later ticks of the same second refine it
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.emit(tick.t), 20);
  }

  private emit(t: number): void {
    if (!this.onProgress) return;
    const second = this.seconds.get(t) ?? [];
    const elapsedMs = monotonicMs() - this.startAt;
    const phase = this.windows.find((window) => elapsedMs < window.endMs) ?? this.windows[this.windows.length - 1];
    this.onProgress({
      elapsedMs,
      totalMs: this.totalMs,
      phase: elapsedMs >= this.totalMs ? 'drain' : phase.name,
      acquiredPerSec: second.reduce((sum, tick) => sum + tick.acquired, 0),
      p99Ms: this.sofar.totalCount === 0 ? 0 : this.sofar.getValueAtPercentile(99) / 1000,
      inFlight: second.reduce((sum, tick) => sum + tick.inFlight, 0),
      waiters: second.reduce((sum, tick) => sum + tick.waiters, 0),
      acquired: this.acquired,
      failed: this.failed,
      totals: this.liveTotals(),
    });
  }

  private liveTotals(): Totals {
    const totals = emptyTotals();
    for (const tick of this.latest.values()) addTotals(totals, tick.totals);
    return totals;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.sofar.destroy();
  }
}

