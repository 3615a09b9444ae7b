/**
 * The modelled lock server's state per lockable id: how many hold it (up to `permits`), each
 * holder's lease and when it runs out, the per-key fence counter, and (fifo) the queue of
 * waiting requests as a doubly linked list through the request table. A mutex keeps its one
 * lease in per-key columns; a semaphore keeps its c leases in a map by (request serial, key).
 */
import type { RequestTable } from './requests.js';

export class LockTable {
  readonly held: Int32Array;
  readonly fence: Float64Array;
  /** permits = 1: the holder's request serial (a late event of a finished request must not match) and its lease's expiry */
  private readonly holderSerial: Float64Array;
  private readonly expiry: Float64Array;
  /** permits > 1: lease id (serial · keys + key) → expiry */
  private readonly leases = new Map<number, number>();
  private readonly head: Int32Array;
  private readonly tail: Int32Array;

  constructor(
    private readonly keys: number,
    readonly permits: number,
    private readonly requests: RequestTable,
  ) {
    this.held = new Int32Array(keys);
    this.holderSerial = new Float64Array(keys);
    this.expiry = new Float64Array(keys);
    this.fence = new Float64Array(keys);
    this.head = new Int32Array(keys).fill(-1);
    this.tail = new Int32Array(keys).fill(-1);
  }

  isFree(key: number): boolean {
    return this.held[key] < this.permits;
  }

  /** Grants `key` to `slot`'s request at server time `now` with a lease of `ttlMs`; returns the lease's fence. */
  grant(key: number, slot: number, now: number, ttlMs: number): number {
    this.held[key]++;
    const serial = this.requests.serial[slot];
    if (this.permits === 1) {
      this.holderSerial[key] = serial;
      this.expiry[key] = now + ttlMs;
    } else this.leases.set(this.leaseId(serial, key), now + ttlMs);
    return ++this.fence[key];
  }

  /** True while `slot`'s request holds a live lease on `key`. */
  holds(key: number, slot: number): boolean {
    return this.expiryOf(key, this.requests.serial[slot]) !== undefined;
  }

  /** When the lease of request `serial` on `key` runs out; undefined when it holds none. */
  expiryOf(key: number, serial: number): number | undefined {
    if (this.permits > 1) return this.leases.get(this.leaseId(serial, key));
    return this.held[key] > 0 && this.holderSerial[key] === serial ? this.expiry[key] : undefined;
  }

  /** A renewal moved the lease of `slot`'s request on `key`. */
  extend(key: number, slot: number, expiry: number): void {
    const serial = this.requests.serial[slot];
    if (this.permits > 1) this.leases.set(this.leaseId(serial, key), expiry);
    else if (this.holderSerial[key] === serial) this.expiry[key] = expiry;
  }

  /** `slot`'s request gave `key` back; false when its lease was already gone (ran out, and maybe went to another). */
  release(key: number, slot: number): boolean {
    return this.end(key, this.requests.serial[slot]);
  }

  /** The lease of request `serial` on `key` runs out at `now` (if it is still there and was not renewed past now). */
  expire(key: number, serial: number, now: number): boolean {
    const expiry = this.expiryOf(key, serial);
    return expiry !== undefined && expiry <= now && this.end(key, serial);
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

  /** Takes `slot` off the queue it waits in (its wait timed out, or the simulation was cut off). */
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

  private end(key: number, serial: number): boolean {
    if (this.permits > 1) {
      if (!this.leases.delete(this.leaseId(serial, key))) return false;
    } else if (this.held[key] === 0 || this.holderSerial[key] !== serial) return false;
    this.held[key]--;
    return true;
  }

  private leaseId(serial: number, key: number): number {
    return serial * this.keys + key;
  }
}
