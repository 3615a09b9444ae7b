/**
 * Ground truth for mutual exclusion, independent of the backend: every client
 * that believes it holds resource `id` is counted on a shared board. A grant
 * that finds the count above zero is two holders at once: a violation.
 * The client leaves the board before it asks the backend to release, and enters
 * after the backend granted, so a correct lock never trips it.
 */
export interface HolderBoardMemory {
  readonly counts: SharedArrayBuffer;
  readonly lastClient: SharedArrayBuffer;
}

/** Shared memory for `resourceCount` resources. */
export function allocateHolderBoard(resourceCount: number): HolderBoardMemory {
  return {
    counts: new SharedArrayBuffer(resourceCount * 4),
    lastClient: new SharedArrayBuffer(resourceCount * 4),
  };
}

export class HolderBoard {
  private readonly counts: Int32Array;
  private readonly lastClient: Int32Array;

  constructor(memory: HolderBoardMemory) {
    this.counts = new Int32Array(memory.counts);
    this.lastClient = new Int32Array(memory.lastClient);
  }

  /** `client` starts holding `id`; returns the client it overlaps with, or -1. */
  enter(id: number, client: number): number {
    const before = Atomics.add(this.counts, id, 1);
    const previous = Atomics.exchange(this.lastClient, id, client);
    return before > 0 ? previous : -1;
  }

  /** A holder of `id` stops holding it. */
  leave(id: number): void {
    Atomics.sub(this.counts, id, 1);
  }
}
