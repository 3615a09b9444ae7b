import { monotonicMs } from '../clock.js';
import { acquireLatch, releaseLatch } from '../latch.js';

/**
 * Ground truth for mutual exclusion, independent of the backend: every client that
 * believes it holds resource `id` is on a shared board from its grant to its release,
 * both stamped on the one monotonic clock all worker threads share. A grant that finds
 * another holder is a violation; when the first of two overlapping holders leaves, the
 * pair's overlap ([later grant, earlier release)) is known exactly. The client enters
 * after the backend granted and leaves before it asks the backend to release, so a
 * correct lock never trips it.
 */
export interface HolderBoardMemory {
  readonly resources: number;
  /** per resource: latch, holder count, SLOTS holder ids (client + 1; 0 = free) */
  readonly ints: SharedArrayBuffer;
  /** per resource: time of the last count change, time a holder crashed, SLOTS grant times */
  readonly floats: SharedArrayBuffer;
}

/** Holders per key whose intervals are tracked one by one (the count is exact beyond it). */
const SLOTS = 4;
const LATCH = 0;
const COUNT = 1;
const CLIENT = 2; // .. CLIENT + SLOTS - 1
const INT_STRIDE = 2 + SLOTS;
const LAST_CHANGE = 0;
const CRASHED_AT = 1;
const GRANTED_AT = 2; // .. GRANTED_AT + SLOTS - 1
const FLOAT_STRIDE = 2 + SLOTS;

/** Shared memory for `resourceCount` resources. */
export function allocateHolderBoard(resourceCount: number): HolderBoardMemory {
  return {
    resources: resourceCount,
    ints: new SharedArrayBuffer(resourceCount * INT_STRIDE * 4),
    floats: new SharedArrayBuffer(resourceCount * FLOAT_STRIDE * 8),
  };
}

/**
 * One thread's view of the board. Results of the last call are left in fields (no
 * allocation on the hot path): `others` after enter, `pairs…` after leave.
 */
export class HolderBoard {
  /** time during which some key had two or more holders, summed over keys (this thread's share), ms */
  overlapMs = 0;
  /** after enter: how many others held the key (0 = exclusive), and one of them */
  others = 0;
  otherClient = -1;
  /** after enter: ms since a crashed holder vanished from this key, or -1 */
  reclaimedAfterMs = -1;
  /** after enter: the grant's time stamp on the board */
  stampedAt = 0;
  /** after leave: overlapping pairs that ended (the first `pairCount` entries) */
  pairCount = 0;
  readonly pairClient: number[] = new Array<number>(SLOTS).fill(0);
  readonly pairSince: number[] = new Array<number>(SLOTS).fill(0);
  readonly pairOverlapMs: number[] = new Array<number>(SLOTS).fill(0);

  private readonly ints: Int32Array;
  private readonly floats: Float64Array;

  /** `singleThread`: only this thread uses the board (the simulator), so the per-key latches are skipped */
  constructor(
    memory: HolderBoardMemory,
    private readonly singleThread = false,
  ) {
    this.ints = new Int32Array(memory.ints);
    this.floats = new Float64Array(memory.floats);
  }

  /**
   * `client` starts holding `id` at `now` (its grant, on the shared monotonic clock); returns
   * its slot (pass it to leave), -1 when all slots were taken.
   */
  enter(id: number, client: number, now = monotonicMs()): number {
    const i = id * INT_STRIDE;
    const f = id * FLOAT_STRIDE;
    this.lock(i);
    const before = this.ints[i + COUNT];
    this.integrate(f, before, now);
    this.ints[i + COUNT] = before + 1;
    let slot = -1;
    this.otherClient = -1;
    for (let s = 0; s < SLOTS; s++) {
      const holder = this.ints[i + CLIENT + s];
      if (holder === 0) {
        if (slot < 0) slot = s;
      } else this.otherClient = holder - 1;
    }
    if (slot >= 0) {
      this.ints[i + CLIENT + slot] = client + 1;
      this.floats[f + GRANTED_AT + slot] = now;
    }
    const crashedAt = this.floats[f + CRASHED_AT];
    this.reclaimedAfterMs = crashedAt > 0 ? Math.max(0, now - crashedAt) : -1;
    if (crashedAt > 0) this.floats[f + CRASHED_AT] = 0;
    this.unlock(i);
    this.others = before;
    this.stampedAt = now;
    return slot;
  }

  /** The holder in `slot` (from enter) stops holding `id` at `now`; the overlaps it ends are left in pair…. */
  leave(id: number, slot: number, now = monotonicMs()): void {
    this.remove(id, slot, false, now);
  }

  /** The holder in `slot` vanished (crashed): off the board, and the key remembers when, to time its reclaim. */
  crash(id: number, slot: number, now = monotonicMs()): void {
    this.remove(id, slot, true, now);
  }

  private remove(id: number, slot: number, crashed: boolean, now: number): void {
    const i = id * INT_STRIDE;
    const f = id * FLOAT_STRIDE;
    this.pairCount = 0;
    this.lock(i);
    const before = this.ints[i + COUNT];
    this.integrate(f, before, now);
    this.ints[i + COUNT] = before - 1;
    if (slot >= 0) {
      const grantedAt = this.floats[f + GRANTED_AT + slot];
      this.ints[i + CLIENT + slot] = 0;
      if (before > 1) {
        for (let s = 0; s < SLOTS; s++) {
          const holder = this.ints[i + CLIENT + s];
          if (holder === 0) continue;
          const since = Math.max(grantedAt, this.floats[f + GRANTED_AT + s]);
          this.pairClient[this.pairCount] = holder - 1;
          this.pairSince[this.pairCount] = since;
          this.pairOverlapMs[this.pairCount] = Math.max(0, now - since);
          this.pairCount++;
        }
      }
    }
    if (crashed) this.floats[f + CRASHED_AT] = now;
    this.unlock(i);
  }

  // the time a key spent with two or more holders, integrated at every change of its count
  // (stamps are read just before the latch, so another thread's may be a hair later: never step back)
  private integrate(f: number, countBefore: number, now: number): void {
    const last = this.floats[f + LAST_CHANGE];
    if (countBefore >= 2) this.overlapMs += Math.max(0, now - last);
    if (now > last) this.floats[f + LAST_CHANGE] = now;
  }

  private lock(i: number): void {
    if (!this.singleThread) acquireLatch(this.ints, i + LATCH);
  }

  private unlock(i: number): void {
    if (!this.singleThread) releaseLatch(this.ints, i + LATCH);
  }
}
