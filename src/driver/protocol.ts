import type { MessagePort } from 'node:worker_threads';
import type { SecondTick, WorkerMeasurements } from '../metrics/recorder.js';
import type { HolderBoardMemory } from '../safety/holder-board.js';
import type { PreparedResource } from '../safety/resource-stores.js';
import type { ResolvedScenario } from '../scenario/types.js';

/** What the coordinator hands each worker thread (one piscina task per worker). */
export interface WorkerTask {
  readonly workerIndex: number;
  readonly workerCount: number;
  readonly scenario: ResolvedScenario;
  /** the backend factory's prepare() result */
  readonly backendShared: unknown;
  /** see Control */
  readonly control: SharedArrayBuffer;
  readonly holders: HolderBoardMemory;
  /** the protected state's shared memory (resource.store memory); undefined otherwise */
  readonly resource: PreparedResource;
  /** worker → coordinator messages */
  readonly port: MessagePort;
}

/** Messages a worker posts while it runs. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly worker: number }
  | { readonly type: 'tick'; readonly tick: SecondTick };

/** How a worker's task ends: typed, because Error subclasses do not survive the thread hop. */
export type WorkerOutcome =
  | { readonly status: 'done'; readonly measurements: WorkerMeasurements }
  | { readonly status: 'failed'; readonly kind: 'backend-unavailable' | 'scenario' | 'internal'; readonly message: string };

/** Layout of the control SharedArrayBuffer: Int32 words, then the start time as a Float64. */
export const Control = {
  /** 0 until the coordinator says go */
  GO: 0,
  /** 1 = stop now (Ctrl-C or a failed worker): cancel waits, cut holds short */
  STOP: 1,
  INT_WORDS: 4,
  /** Float64 index (after the Int32 words): start of the run on the shared monotonic clock, ms */
  START_AT: 2,
  BYTES: 32,
} as const;
