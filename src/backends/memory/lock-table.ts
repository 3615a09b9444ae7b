import { whenAborted } from '../../abort.js';
import { monotonicMs } from '../../clock.js';
import { keyHash53 } from '../key-hash.js';
import { acquireLatch, releaseLatch } from '../../latch.js';

/**
 * A lock table in a SharedArrayBuffer, so every worker thread contends for the
 * same keys. Each slot is guarded by a tiny latch (a few instructions long), so
 * that "held, fence, expiry" change together; waiters sleep on a per-slot wake
 * counter with Atomics.waitAsync and are woken one at a time on release.
 *
 * Keys map to slots by open addressing on a 53-bit key hash; keys are never
 * removed, so the table is sized for the key space (see `capacity`).
 */

// Int32 fields per slot
const LATCH = 0;
const HELD = 1;
const WAKE = 2; // bumped on every release: the word waiters sleep on
const WAITING = 3; // sleepers on WAKE (skip notify when 0)
const CLAIMED = 4; // the slot belongs to a key (its hash is in KEY_HASH)
const INT_STRIDE = 8;
// Float64 fields per slot
const FENCE = 0;
const EXPIRES_AT = 1; // ms on the shared monotonic clock
const KEY_HASH = 2;
const FLOAT_STRIDE = 4;


/** What the main thread hands to each worker: structured-cloneable. */
export interface LockTableMemory {
  readonly slots: number;
  readonly ints: SharedArrayBuffer;
  readonly floats: SharedArrayBuffer;
}

/** Allocates a table of at least `capacity` slots (rounded up to a power of two). */
export function allocateLockTable(capacity: number): LockTableMemory {
  let slots = 1024;
  while (slots < capacity) slots *= 2;
  return {
    slots,
    ints: new SharedArrayBuffer(slots * INT_STRIDE * 4),
    floats: new SharedArrayBuffer(slots * FLOAT_STRIDE * 8),
  };
}

/** Outcome of one try: granted with a fence, or held until `heldUntil` (ms). */
export type TryResult = { granted: true; fence: number; expiresAt: number } | { granted: false; heldUntil: number };

/** One thread's view of the shared lock table. */
export class LockTable {
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;
  private readonly mask: number;
  private readonly slotByKey = new Map<string, number>();
  private pendingWaits = 0;
  private keepAliveTimer?: NodeJS.Timeout;

  constructor(memory: LockTableMemory) {
    this.ints = new Int32Array(memory.ints);
    this.floats = new Float64Array(memory.floats);
    this.mask = memory.slots - 1;
  }

  /** The slot of `key`, claiming a free one on first use. */
  slotOf(key: string): number {
    const cached = this.slotByKey.get(key);
    if (cached !== undefined) return cached;
    const hash = keyHash53(key);
    for (let probe = 0, slot = hash & this.mask; probe <= this.mask; probe++, slot = (slot + 1) & this.mask) {
      const i = slot * INT_STRIDE;
      if (Atomics.load(this.ints, i + CLAIMED) === 0) {
        this.lock(i);
        if (this.ints[i + CLAIMED] === 0) {
          this.floats[slot * FLOAT_STRIDE + KEY_HASH] = hash;
          Atomics.store(this.ints, i + CLAIMED, 1);
        }
        this.unlock(i);
      }
      if (this.floats[slot * FLOAT_STRIDE + KEY_HASH] === hash) {
        this.slotByKey.set(key, slot);
        return slot;
      }
    }
    throw new Error(`memory backend: lock table full (${this.mask + 1} slots); raise backend.capacity`);
  }

  /** Grants the slot if it is free or its holder's lease ran out. */
  tryAcquire(slot: number, ttlMs: number): TryResult {
    const i = slot * INT_STRIDE;
    const f = slot * FLOAT_STRIDE;
    this.lock(i);
    const now = monotonicMs();
    if (this.ints[i + HELD] === 0 || this.floats[f + EXPIRES_AT] <= now) {
      const fence = this.floats[f + FENCE] + 1;
      const expiresAt = now + ttlMs;
      this.floats[f + FENCE] = fence;
      this.floats[f + EXPIRES_AT] = expiresAt;
      this.ints[i + HELD] = 1;
      this.unlock(i);
      return { granted: true, fence, expiresAt };
    }
    const heldUntil = this.floats[f + EXPIRES_AT];
    this.unlock(i);
    return { granted: false, heldUntil };
  }

  /** Frees the slot if `fence` still holds it; false when it expired or was taken over. */
  release(slot: number, fence: number): boolean {
    const i = slot * INT_STRIDE;
    const f = slot * FLOAT_STRIDE;
    this.lock(i);
    const ours = this.ints[i + HELD] === 1 && this.floats[f + FENCE] === fence;
    const live = ours && this.floats[f + EXPIRES_AT] > monotonicMs();
    if (ours) this.ints[i + HELD] = 0;
    this.unlock(i);
    if (ours) this.wakeOne(i);
    return live;
  }

  /** Moves the expiry to now + ttl if `fence` still holds the slot; returns the new expiry or -1. */
  extend(slot: number, fence: number, ttlMs: number): number {
    const i = slot * INT_STRIDE;
    const f = slot * FLOAT_STRIDE;
    this.lock(i);
    const now = monotonicMs();
    let expiresAt = -1;
    if (this.ints[i + HELD] === 1 && this.floats[f + FENCE] === fence && this.floats[f + EXPIRES_AT] > now) {
      expiresAt = now + ttlMs;
      this.floats[f + EXPIRES_AT] = expiresAt;
    }
    this.unlock(i);
    return expiresAt;
  }

  /** The release counter to sleep on; read it before trying, so no release is missed. */
  wakeSequence(slot: number): number {
    return Atomics.load(this.ints, slot * INT_STRIDE + WAKE);
  }

  /**
   * Sleeps until a release after `sequence`, or `timeoutMs`. Resolves early when
   * `signal` aborts; the abandoned sleeper stays registered, so if a release's
   * one-at-a-time wakeup lands on it later, it passes the wakeup on.
   */
  async waitForRelease(slot: number, sequence: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const i = slot * INT_STRIDE;
    Atomics.add(this.ints, i + WAITING, 1);
    this.keepAlive(+1);
    try {
      const waiting = Atomics.waitAsync(this.ints, i + WAKE, sequence, Math.max(0, timeoutMs));
      if (!waiting.async) return;
      if (!signal) {
        await waiting.value;
        return;
      }
      if (signal.aborted) return this.abandon(i, waiting.value);
      let unsubscribe: (() => void) | undefined;
      let aborted = false;
      const abort = new Promise<void>((resolve) => (unsubscribe = whenAborted(signal, () => ((aborted = true), resolve()))));
      await Promise.race([waiting.value, abort]);
      unsubscribe?.();
      if (aborted) this.abandon(i, waiting.value);
    } finally {
      Atomics.sub(this.ints, i + WAITING, 1);
      this.keepAlive(-1);
    }
  }

  private abandon(i: number, wakeup: Promise<'ok' | 'not-equal' | 'timed-out'>): void {
    void wakeup.then((result) => {
      if (result === 'ok' && Atomics.load(this.ints, i + WAITING) > 0) Atomics.notify(this.ints, i + WAKE, 1);
    });
  }

  // a pending Atomics.waitAsync does not keep a thread's event loop alive: a timer does
  private keepAlive(delta: number): void {
    this.pendingWaits += delta;
    if (this.pendingWaits > 0 && !this.keepAliveTimer) this.keepAliveTimer = setInterval(() => undefined, 1 << 30);
    else if (this.pendingWaits === 0 && this.keepAliveTimer) {
      clearInterval(this.keepAliveTimer);
      this.keepAliveTimer = undefined;
    }
  }

  private wakeOne(i: number): void {
    Atomics.add(this.ints, i + WAKE, 1);
    if (Atomics.load(this.ints, i + WAITING) > 0) Atomics.notify(this.ints, i + WAKE, 1);
  }

  private lock(i: number): void {
    acquireLatch(this.ints, i + LATCH);
  }

  private unlock(i: number): void {
    releaseLatch(this.ints, i + LATCH);
  }
}
