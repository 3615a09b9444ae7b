import { monotonicMs, sleep } from '../../clock.js';
import type { BackendSpec, DistributionSpec } from '../../scenario/types.js';
import { createDistribution } from '../../workload/distributions.js';
import { createRng, Stream } from '../../workload/random.js';
import type { Distribution, Rng } from '../../workload/types.js';
import type { AcquireOptions, BackendContext, BackendFactory, Lease, LockBackend } from '../types.js';
import { allocateLockTable, LockTable, type LockTableMemory } from './lock-table.js';

type MemorySpec = Extract<BackendSpec, { type: 'memory' }>;

/** A lease of the memory backend: the slot is remembered to skip the key lookup. */
interface MemoryLease extends Lease {
  readonly slot: number;
}

/**
 * The embedded backend: worker threads contend on a shared lock table; an
 * optional `rtt` delays each operation (half before, half after the table is
 * touched) to stand in for network distance.
 */
export class MemoryBackend implements LockBackend {
  readonly name = 'memory';
  private readonly table: LockTable;
  private readonly rtt?: Distribution;
  private readonly rttRng: Rng;

  constructor(memory: LockTableMemory, rtt: DistributionSpec | undefined, seed: number) {
    this.table = new LockTable(memory);
    this.rtt = rtt ? createDistribution(rtt) : undefined;
    this.rttRng = createRng(seed, Stream.rtt, 0);
  }

  async connect(): Promise<void> {}

  async acquire(key: string, opts: AcquireOptions): Promise<Lease | null> {
    const slot = this.table.slotOf(key);
    const roundTrip = this.sampleRtt();
    if (roundTrip > 0) await sleep(roundTrip / 2, opts.signal);
    const deadline = monotonicMs() + opts.waitMs;
    let contended = false;
    for (;;) {
      const sequence = this.table.wakeSequence(slot);
      const outcome = this.table.tryAcquire(slot, opts.ttlMs);
      if (outcome.granted) {
        if (roundTrip > 0) await sleep(roundTrip / 2);
        const lease: MemoryLease = { key, token: String(outcome.fence), fence: outcome.fence, expiresAt: outcome.expiresAt, contended, slot };
        return lease;
      }
      contended = true;
      const now = monotonicMs();
      if (now >= deadline || opts.signal?.aborted) break;
      // wake on release, or when the holder's lease runs out
      const untilExpiry = outcome.heldUntil - now + 0.05;
      await this.table.waitForRelease(slot, sequence, Math.min(deadline - now, untilExpiry), opts.signal);
    }
    if (roundTrip > 0) await sleep(roundTrip / 2);
    return null;
  }

  async release(lease: Lease): Promise<boolean> {
    const roundTrip = this.sampleRtt();
    if (roundTrip > 0) await sleep(roundTrip / 2);
    const released = this.table.release(this.slotOfLease(lease), Number(lease.fence));
    if (roundTrip > 0) await sleep(roundTrip / 2);
    return released;
  }

  async extend(lease: Lease, ttlMs: number): Promise<boolean> {
    const roundTrip = this.sampleRtt();
    if (roundTrip > 0) await sleep(roundTrip / 2);
    const expiresAt = this.table.extend(this.slotOfLease(lease), Number(lease.fence), ttlMs);
    if (expiresAt >= 0) lease.expiresAt = expiresAt;
    if (roundTrip > 0) await sleep(roundTrip / 2);
    return expiresAt >= 0;
  }

  async close(): Promise<void> {}

  private slotOfLease(lease: Lease): number {
    return (lease as MemoryLease).slot ?? this.table.slotOf(lease.key);
  }

  private sampleRtt(): number {
    return this.rtt ? this.rtt.sample(this.rttRng) : 0;
  }
}

/** The memory backend's factory: the table is allocated once, in the main thread. */
export const memoryBackendFactory: BackendFactory<MemorySpec, LockTableMemory> = {
  type: 'memory',
  prepare(spec, context: BackendContext) {
    return allocateLockTable(spec.capacity ?? Math.max(1024, 2 * context.resourceCount));
  },
  create(spec, memory, context) {
    return new MemoryBackend(memory, spec.rtt, context.seed + 7919 * (context.workerIndex + 1));
  },
};
