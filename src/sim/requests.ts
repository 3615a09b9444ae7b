/**
 * The simulated requests in flight, as columns of typed arrays indexed by a slot number:
 * a million waiting requests cost a few dozen bytes each and no garbage. A slot is reused
 * once its request is done; `serial` tells a late event of the old request from the new one.
 */
import { grownArray } from './typed-arrays.js';

/** Where a request is in its cycle. */
export const Stage = { FREE: 0, ACQUIRING: 1, HOLDING: 2, RELEASING: 3 } as const;

const INITIAL_SLOTS = 1024;

export class RequestTable {
  /** unique per request over the whole simulation (never reused) */
  serial = new Float64Array(INITIAL_SLOTS);
  stage = new Uint8Array(INITIAL_SLOTS);
  /** ground-truth client id: the arrival's seq (open model) or the user (closed model) */
  client = new Float64Array(INITIAL_SLOTS);
  phase = new Int32Array(INITIAL_SLOTS);
  /** the lockable id being acquired or held (mode multi: the current one of `ids`) */
  key = new Int32Array(INITIAL_SLOTS);
  /** mode multi: index of `key` in the request's ids */
  keyIndex = new Int32Array(INITIAL_SLOTS);
  holdMs = new Float64Array(INITIAL_SLOTS);
  holdComponent = new Int32Array(INITIAL_SLOTS);
  amount = new Float64Array(INITIAL_SLOTS);
  /** closed model: the user's request number (its draws come from (user, cycle)) */
  cycle = new Int32Array(INITIAL_SLOTS);
  /** the arrival's intended start (latency is measured from here) */
  intended = new Float64Array(INITIAL_SLOTS);
  firstAttempt = new Float64Array(INITIAL_SLOTS);
  /** firstAttempt + acquireTimeout */
  deadline = new Float64Array(INITIAL_SLOTS);
  /** acquire attempts of the whole request, and of the current key (the backoff's exponent) */
  attempts = new Int32Array(INITIAL_SLOTS);
  keyAttempts = new Int32Array(INITIAL_SLOTS);
  /** the answer leg (half the round trip) of the acquire in flight */
  answerLeg = new Float64Array(INITIAL_SLOTS);
  /** fifo: how long the server may queue the acquire (the budget left when it was sent) */
  waitBudget = new Float64Array(INITIAL_SLOTS);
  /** the server found the key held at least once (a queued grant is contended) */
  contended = new Uint8Array(INITIAL_SLOTS);
  grantedAt = new Float64Array(INITIAL_SLOTS);
  /** the fence of the single key's lease (mode multi: `fences`) */
  fence = new Float64Array(INITIAL_SLOTS);
  /** the protected value read at the grant (mode multi: `values`) */
  value = new Float64Array(INITIAL_SLOTS);
  /** the holder-board slot of the single key (mode multi: `boardSlots`) */
  boardSlot = new Int32Array(INITIAL_SLOTS);
  /** when the client believes its lease runs out (server expiry, moved by renewals) */
  leaseExpiry = new Float64Array(INITIAL_SLOTS);
  /** a renewal failed: the lease is known lost before release */
  lost = new Uint8Array(INITIAL_SLOTS);
  /** successful renewals of the hold */
  renewals = new Int32Array(INITIAL_SLOTS);
  /** the release's leg (half the round trip), drawn at the grant to know whether the lease lapses first */
  releaseLeg = new Float64Array(INITIAL_SLOTS);
  /** releases sent and not yet answered (mode multi: one per key) */
  pendingReleases = new Int32Array(INITIAL_SLOTS);
  /** the lock(s) were granted (false: a multi-key request gives back a partial set) */
  granted = new Uint8Array(INITIAL_SLOTS);
  /** fifo: the key whose queue holds this request, or -1; and its neighbours in that queue */
  queuedOn = new Int32Array(INITIAL_SLOTS);
  prev = new Int32Array(INITIAL_SLOTS);
  next = new Int32Array(INITIAL_SLOTS);
  /** mode multi: every id of the request (ascending), their fences, values and board slots */
  ids: (readonly number[] | undefined)[] = new Array<readonly number[] | undefined>(INITIAL_SLOTS);
  fences: (number[] | undefined)[] = new Array<number[] | undefined>(INITIAL_SLOTS);
  values: (number[] | undefined)[] = new Array<number[] | undefined>(INITIAL_SLOTS);
  boardSlots: (number[] | undefined)[] = new Array<number[] | undefined>(INITIAL_SLOTS);

  /** slots in use */
  active = 0;
  private freeList = new Int32Array(INITIAL_SLOTS);
  private freeCount = 0;
  private used = 0;
  private serials = 0;

  /** A fresh slot for a new request. */
  open(): number {
    let slot: number;
    if (this.freeCount > 0) slot = this.freeList[--this.freeCount];
    else {
      if (this.used === this.serial.length) this.grow();
      slot = this.used++;
    }
    this.active++;
    this.serial[slot] = ++this.serials;
    this.stage[slot] = Stage.ACQUIRING;
    this.queuedOn[slot] = -1;
    this.attempts[slot] = 0;
    this.keyAttempts[slot] = 0;
    this.contended[slot] = 0;
    this.lost[slot] = 0;
    this.renewals[slot] = 0;
    this.granted[slot] = 0;
    this.keyIndex[slot] = 0;
    this.pendingReleases[slot] = 0;
    this.leaseExpiry[slot] = Infinity;
    return slot;
  }

  close(slot: number): void {
    this.stage[slot] = Stage.FREE;
    this.ids[slot] = this.fences[slot] = this.values[slot] = this.boardSlots[slot] = undefined;
    if (this.freeCount === this.freeList.length) {
      const grown = new Int32Array(this.freeList.length * 2);
      grown.set(this.freeList);
      this.freeList = grown;
    }
    this.freeList[this.freeCount++] = slot;
    this.active--;
  }

  /** Slots ever handed out (the ones to visit when the simulation is cut off). */
  get highWater(): number {
    return this.used;
  }

  private grow(): void {
    const size = this.serial.length * 2;
    for (const name of Object.keys(this) as (keyof this)[]) {
      const column = this[name];
      if (name === 'freeList') continue;
      if (column instanceof Float64Array || column instanceof Int32Array || column instanceof Uint8Array) this[name] = grownArray(column, size) as this[keyof this];
      else if (Array.isArray(column)) column.length = size;
    }
  }
}
