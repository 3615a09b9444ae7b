import { describe, expect, it } from 'vitest';
import { memoryBackendFactory } from '../../src/backends/memory/index.js';
import type { LockTableMemory } from '../../src/backends/memory/lock-table.js';
import type { BackendContext, LockBackend } from '../../src/backends/types.js';
import { monotonicMs, sleep } from '../../src/clock.js';
import type { DistributionSpec } from '../../src/scenario/types.js';
import { describeConformance, freshKey } from './conformance.js';

type MemorySpec = Parameters<typeof memoryBackendFactory.create>[0];

/** A lock space (one table) and a way to make clients of it, as the coordinator and workers do. */
function memorySpace(rtt?: DistributionSpec): { memory: LockTableMemory; createBackend(): Promise<LockBackend> } {
  const spec: MemorySpec = { type: 'memory', ...(rtt ? { rtt } : {}) };
  const base: BackendContext = { workerIndex: -1, workerCount: 4, resourceCount: 64, clientsPerWorker: 16, seed: 42 };
  const memory = memoryBackendFactory.prepare!(spec, base) as LockTableMemory;
  let clients = 0;
  return {
    memory,
    async createBackend() {
      return memoryBackendFactory.create(spec, memory, { ...base, workerIndex: clients++ });
    },
  };
}

const plain = memorySpace();
describeConformance('memory', { createBackend: () => plain.createBackend() });

const distant = memorySpace({ type: 'constant', value: 2 });
describeConformance('memory (rtt 2 ms)', { createBackend: () => distant.createBackend() });

describe('memory backend: waiters', () => {
  it('still wakes a live waiter promptly after another waiter on the key was aborted', async () => {
    const space = memorySpace();
    const [holder, quitter, waiter] = [await space.createBackend(), await space.createBackend(), await space.createBackend()];
    const key = freshKey('abort-wake');
    const held = await holder.acquire(key, { ttlMs: 30_000, waitMs: 0 });
    expect(held).not.toBeNull();

    const controller = new AbortController();
    const quitting = quitter.acquire(key, { ttlMs: 10_000, waitMs: 20_000, signal: controller.signal });
    await sleep(20);
    controller.abort();
    expect(await quitting).toBeNull();

    const waiting = waiter.acquire(key, { ttlMs: 10_000, waitMs: 3_000 });
    await sleep(20);
    const releasedAt = monotonicMs();
    expect(await holder.release(held!)).toBe(true);
    const lease = await waiting;
    const wokeAfter = monotonicMs() - releasedAt;
    expect(lease, 'granted at all').not.toBeNull();
    // the release's single wake-up must reach the live waiter, not the aborted one
    expect(wokeAfter, 'granted soon after release, not at the end of its wait').toBeLessThan(500);
  });
});
