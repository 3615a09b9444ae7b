import type { FaultSpec } from '../scenario/types.js';

/** A fault placed on the shared monotonic clock. */
export interface FaultWindow {
  /** index into the scenario's faults (the report counts per fault) */
  readonly index: number;
  readonly type: FaultSpec['type'];
  readonly start: number;
  readonly end: number;
  readonly fraction: number;
}

/**
 * The scenario's faults on this run's clock, and who they hit. A client is hit by a
 * fault when a seeded hash of (seed, fault, client) falls below its fraction, so the
 * same clients are hit whatever the worker count; event-loop blocks hit the first
 * ⌈fraction × workers⌉ worker threads.
 */
export class FaultPlan {
  private readonly clientFaults: readonly FaultWindow[];
  private readonly loopBlocks: readonly FaultWindow[];

  constructor(
    faults: readonly FaultSpec[],
    startAt: number,
    private readonly seed: number,
  ) {
    const windows = faults.map((fault, index): FaultWindow => ({
      index,
      type: fault.type,
      start: startAt + fault.atMs,
      end: startAt + fault.atMs + fault.durationMs,
      fraction: fault.fraction,
    }));
    this.clientFaults = windows.filter((window) => window.type !== 'event-loop-block');
    this.loopBlocks = windows.filter((window) => window.type === 'event-loop-block');
  }

  /** True when some fault may hit a client inside its critical section. */
  get hasClientFaults(): boolean {
    return this.clientFaults.length > 0;
  }

  /**
   * The earliest client fault that hits `client` while it works from `from` to `until`
   * (a fault already under way at `from` counts), or undefined.
   */
  nextHit(client: number, from: number, until: number): FaultWindow | undefined {
    let first: FaultWindow | undefined;
    for (const window of this.clientFaults) {
      if (window.end <= from || window.start > until) continue;
      if (first && window.start >= first.start) continue;
      if (this.hits(window, client)) first = window;
    }
    return first;
  }

  /** The event-loop blocks that worker `workerIndex` of `workerCount` takes. */
  loopBlocksOf(workerIndex: number, workerCount: number): FaultWindow[] {
    return this.loopBlocks.filter((window) => workerIndex < Math.max(1, Math.ceil(window.fraction * workerCount)));
  }

  private hits(window: FaultWindow, client: number): boolean {
    return window.fraction >= 1 || unitHash(this.seed, window.index, client) < window.fraction;
  }
}

/** A uniform number in [0, 1) from three integers (murmur3's finaliser over their mix). */
function unitHash(seed: number, fault: number, client: number): number {
  let h = Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(fault + 1, 0x85ebca6b) ^ Math.imul(client | 0, 0xc2b2ae35) ^ Math.floor(client / 4294967296);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Blocks this thread's event loop for `ms` (a synchronous wait: timers, I/O and every client on the thread stall). */
export function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
