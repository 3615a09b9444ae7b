import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { memoryBackendFactory } from '../../src/backends/memory/index.js';
import type { LockTableMemory } from '../../src/backends/memory/lock-table.js';
import type { BackendContext } from '../../src/backends/types.js';
import { monotonicMs, sleep } from '../../src/clock.js';
import { freshKey } from './conformance.js';
import type { ContenderData, ContenderResult } from './fixtures/memory-contender.js';

const THREADS = 3;
const CYCLES = 300;

/** Int32 words of the shared control buffer (see ContenderData.shared) */
const HOLDERS = 0;
const START = 2;

function lockSpace(workerCount: number): LockTableMemory {
  const context: BackendContext = { workerIndex: -1, workerCount, resourceCount: 1, clientsPerWorker: 16, seed: 1 };
  return memoryBackendFactory.prepare!({ type: 'memory' }, context) as LockTableMemory;
}

/** Runs one contender thread; resolves with its result, rejects if it dies or exits without one. */
function startContender(data: ContenderData, onReady: () => void): Promise<ContenderResult> {
  // a CommonJS entry that require()s the .ts fixture: see fixtures/memory-contender.cjs
  const worker = new Worker(new URL('./fixtures/memory-contender.cjs', import.meta.url), { execArgv: ['--import', 'tsx'], workerData: data });
  return new Promise((resolve, reject) => {
    let result: ContenderResult | undefined;
    worker.on('message', (message: { ready?: number; result?: ContenderResult }) => {
      if (message.ready !== undefined) onReady();
      if (message.result) result = message.result;
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`contender ${data.index} exited ${code} without a result`))));
  });
}

function letThemGo(words: Int32Array): void {
  Atomics.store(words, START, 1);
  Atomics.notify(words, START);
}

describe('memory backend across worker threads', () => {
  it(`keeps one key exclusive across ${THREADS} threads × ${CYCLES} cycles, with distinct fences`, { timeout: 20_000 }, async () => {
    const memory = lockSpace(THREADS);
    const shared = new SharedArrayBuffer(3 * 4);
    const words = new Int32Array(shared);
    const key = freshKey('threads');
    let ready = 0;
    const started = monotonicMs();
    const results = await Promise.all(
      Array.from({ length: THREADS }, (_, index) =>
        startContender({ memory, shared, key, cycles: CYCLES, index, workerCount: THREADS, keepAlive: true }, () => {
          if (++ready === THREADS) letThemGo(words);
        }),
      ),
    );
    const elapsed = monotonicMs() - started;

    expect(results.flatMap((r) => r.failures)).toEqual([]);
    expect(results.reduce((sum, r) => sum + r.overlaps, 0), 'grants while another thread held the key').toBe(0);
    expect(Atomics.load(words, HOLDERS), 'every holder left').toBe(0);
    const fences = results.flatMap((r) => r.fences);
    expect(fences).toHaveLength(THREADS * CYCLES);
    expect(new Set(fences).size, 'fences seen across threads are distinct').toBe(fences.length);
    // one counter per key, no grant lost or doubled: the fences are exactly 1..N
    expect([...fences].sort((a, b) => a - b)).toEqual(Array.from({ length: fences.length }, (_, i) => i + 1));
    for (const r of results) {
      for (let i = 1; i < r.fences.length; i++) expect(r.fences[i], `thread ${r.index} fence ${i}`).toBeGreaterThan(r.fences[i - 1]);
    }
    expect(results.reduce((sum, r) => sum + r.contended, 0), 'the threads really contended').toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(15_000);
  });

  it('settles a waiting acquire in a thread that has nothing else to keep it alive', { timeout: 20_000 }, async () => {
    // The main thread holds the key; the worker's only pending work is the
    // waiting acquire (Atomics.waitAsync), which must still resolve on release.
    const memory = lockSpace(2);
    const shared = new SharedArrayBuffer(3 * 4);
    const words = new Int32Array(shared);
    const key = freshKey('thread-alive');
    const holder = await memoryBackendFactory.create({ type: 'memory' }, memory, { workerIndex: 1, workerCount: 2, resourceCount: 1, clientsPerWorker: 16, seed: 1 });
    const held = await holder.acquire(key, { ttlMs: 30_000, waitMs: 0 });
    expect(held).not.toBeNull();
    let releasing: Promise<boolean> | undefined;
    const outcome = startContender({ memory, shared, key, cycles: 1, index: 0, workerCount: 2, keepAlive: false }, () => {
      letThemGo(words);
      releasing = sleep(300).then(() => holder.release(held!));
    });
    const result = await outcome.catch((error: Error) => error);
    await releasing;
    expect(result, 'the thread waited for the key instead of exiting mid-acquire').not.toBeInstanceOf(Error);
    expect((result as ContenderResult).failures).toEqual([]);
    expect((result as ContenderResult).contended).toBe(1);
  });
});
