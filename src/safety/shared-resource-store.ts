/** The protected state in a SharedArrayBuffer: every worker thread of the run reads and writes the same keys. */
import type { ResourceSpec } from '../scenario/types.js';
import { initialValue, isDamage, settledTruth, Write } from './resource-model.js';
import type { ResourceStore, ResourceTally } from './resource-store.js';

/** What the coordinator allocates and hands to each worker (structured-cloneable). */
export interface SharedResourceMemory {
  readonly keys: number;
  /** per key: a latch word */
  readonly latches: SharedArrayBuffer;
  /** per key: visible value, ground truth, highest fence seen, lowest true balance */
  readonly floats: SharedArrayBuffer;
  /** run-wide counters (see Counter) */
  readonly counters: SharedArrayBuffer;
}

const VALUE = 0;
const TRUTH = 1;
const MAX_FENCE = 2;
const MIN_BALANCE = 3;
const STRIDE = 4;

const Counter = { WRITES: 0, SKIPPED: 1, STALE_ACCEPTED: 2, STALE_REJECTED: 3, DAMAGE: 4, COUNT: 5 } as const;
const SPINS_BEFORE_SLEEP = 256;

/** Shared state for `keys` resource ids, each at its initial value. */
export function allocateSharedResource(spec: ResourceSpec, keys: number): SharedResourceMemory {
  const memory: SharedResourceMemory = {
    keys,
    latches: new SharedArrayBuffer(keys * 4),
    floats: new SharedArrayBuffer(keys * STRIDE * 8),
    counters: new SharedArrayBuffer(Counter.COUNT * 4),
  };
  const floats = new Float64Array(memory.floats);
  const start = initialValue(spec);
  const balance = spec.type === 'wallet' ? spec.balance : 0;
  for (let id = 0; id < keys; id++) {
    floats[id * STRIDE + VALUE] = start;
    floats[id * STRIDE + MIN_BALANCE] = balance;
  }
  return memory;
}

/** One thread's handle on the shared state. Operations are synchronous: a per-key latch, a few loads and stores. */
export class SharedResourceStore implements ResourceStore {
  private readonly latches: Int32Array;
  private readonly floats: Float64Array;
  private readonly counters: Int32Array;

  /** `singleThread`: only this thread uses the store (the simulator), so the per-key latches are skipped */
  constructor(
    private readonly spec: ResourceSpec,
    memory: SharedResourceMemory,
    private readonly singleThread = false,
  ) {
    this.latches = new Int32Array(memory.latches);
    this.floats = new Float64Array(memory.floats);
    this.counters = new Int32Array(memory.counters);
  }

  read(id: number, fence: number): number {
    const f = id * STRIDE;
    this.lock(id);
    if (fence > this.floats[f + MAX_FENCE]) this.floats[f + MAX_FENCE] = fence;
    const value = this.floats[f + VALUE];
    this.unlock(id);
    return value;
  }

  write(id: number, fence: number, value: number, amount: number): number {
    const f = id * STRIDE;
    this.lock(id);
    const stale = fence < this.floats[f + MAX_FENCE];
    if (stale && this.spec.fencing) {
      this.unlock(id);
      Atomics.add(this.counters, Counter.STALE_REJECTED, 1);
      return Write.STALE;
    }
    this.floats[f + MAX_FENCE] = Math.max(fence, this.floats[f + MAX_FENCE]);
    this.floats[f + VALUE] = value;
    const truth = settledTruth(this.floats[f + TRUTH], amount);
    this.floats[f + TRUTH] = truth;
    const damage = isDamage(this.spec, truth);
    if (this.spec.type === 'wallet') this.floats[f + MIN_BALANCE] = Math.min(this.floats[f + MIN_BALANCE], this.spec.balance - truth);
    this.unlock(id);
    Atomics.add(this.counters, Counter.WRITES, 1);
    if (stale) Atomics.add(this.counters, Counter.STALE_ACCEPTED, 1);
    if (damage) Atomics.add(this.counters, Counter.DAMAGE, 1);
    return Write.ACCEPTED | (stale ? Write.STALE : 0) | (damage ? Write.DAMAGE : 0);
  }

  skip(): void {
    Atomics.add(this.counters, Counter.SKIPPED, 1);
  }

  async close(): Promise<void> {}

  private lock(id: number): void {
    if (this.singleThread) return;
    let spins = 0;
    while (Atomics.compareExchange(this.latches, id, 0, 1) !== 0) {
      if (++spins > SPINS_BEFORE_SLEEP) {
        Atomics.wait(this.latches, id, 1, 0.05);
        spins = 0;
      }
    }
  }

  private unlock(id: number): void {
    if (this.singleThread) return;
    Atomics.store(this.latches, id, 0);
  }
}

/** The shared state at the end of the run (read by the coordinator once the workers are done). */
export function tallySharedResource(memory: SharedResourceMemory): ResourceTally {
  const floats = new Float64Array(memory.floats);
  const counters = new Int32Array(memory.counters);
  const pick = (field: number): Float64Array => {
    const values = new Float64Array(memory.keys);
    for (let id = 0; id < memory.keys; id++) values[id] = floats[id * STRIDE + field];
    return values;
  };
  return {
    values: pick(VALUE),
    truths: pick(TRUTH),
    minima: pick(MIN_BALANCE),
    writes: Atomics.load(counters, Counter.WRITES),
    skipped: Atomics.load(counters, Counter.SKIPPED),
    staleAccepted: Atomics.load(counters, Counter.STALE_ACCEPTED),
    staleRejected: Atomics.load(counters, Counter.STALE_REJECTED),
    damage: Atomics.load(counters, Counter.DAMAGE),
  };
}
