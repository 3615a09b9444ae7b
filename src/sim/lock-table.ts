/**
 * The modelled lock server's state per lockable id: how many hold it (up to `permits`), whose
 * lease it is and when that lease runs out, the per-key fence counter, and (fifo) the queue
 * of waiting requests as a doubly linked list through the request table.
 */
import type { RequestTable } from './requests.js';

export class LockTable {
  readonly held: Int32Array;
  /** permits = 1: the holder's request slot and serial (a late event of a finished request must not match) */
  readonly holder: Int32Array;
  readonly holderSerial: Float64Array;
  /** permits = 1: when the holder's lease runs out at the server */
  readonly expiry: Float64Array;
  readonly fence: Float64Array;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;

  constructor(
    keys: number,
    readonly permits: number,
    private readonly requests: RequestTable,
  ) {
    this.held = new Int32Array(keys);
    this.holder = new Int32Array(keys).fill(-1);
    this.holderSerial = new Float64Array(keys);
    this.expiry = new Float64Array(keys);
    this.fence = new Float64Array(keys);
    this.head = new Int32Array(keys).fill(-1);
    this.tail = new Int32Array(keys).fill(-1);
  }

  isFree(key: number): boolean {
    return this.held[key] < this.permits;
  }

  /** Grants `key` to `slot` at server time `now`; returns the lease's fence. */
  grant(key: number, slot: number, now: number, ttlMs: number): number {
    this.held[key]++;
    if (this.permits === 1) {
      this.holder[key] = slot;
      this.holderSerial[key] = this.requests.serial[slot];
      this.expiry[key] = now + ttlMs;
    }
    return ++this.fence[key];
  }

  /** True when `slot`'s request holds `key` (with permits > 1 leases are not told apart: any holder may release). */
  holds(key: number, slot: number): boolean {
    if (this.permits > 1) return this.held[key] > 0;
    return this.holder[key] === slot && this.holderSerial[key] === this.requests.serial[slot];
  }

  /** The holder gave the key back, or its lease ran out. */
  free(key: number): void {
    this.held[key]--;
    if (this.permits === 1) this.holder[key] = -1;
  }

  /** fifo: `slot` waits at the back of `key`'s queue. */
  enqueue(key: number, slot: number): void {
    const r = this.requests;
    r.queuedOn[slot] = key;
    r.next[slot] = -1;
    r.prev[slot] = this.tail[key];
    if (this.tail[key] >= 0) r.next[this.tail[key]] = slot;
    else this.head[key] = slot;
    this.tail[key] = slot;
  }

  /** The first request waiting for `key`, taken off its queue; -1 when none waits. */
  dequeue(key: number): number {
    const slot = this.head[key];
    if (slot >= 0) this.unlink(slot);
    return slot;
  }

  /** Takes `slot` off the queue it waits in (its wait timed out, or the run was cut off). */
  unlink(slot: number): void {
    const r = this.requests;
    const key = r.queuedOn[slot];
    const prev = r.prev[slot];
    const next = r.next[slot];
    if (prev >= 0) r.next[prev] = next;
    else this.head[key] = next;
    if (next >= 0) r.prev[next] = prev;
    else this.tail[key] = prev;
    r.queuedOn[slot] = -1;
  }
}
