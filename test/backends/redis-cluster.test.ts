/**
 * The `redis-cluster` backend against a real three-master Redis Cluster on free
 * loopback ports: the conformance suite (all seeds, and a single seed node),
 * keys spread over every master, locks that stay correct while their slot
 * moves to another master (ASK during the migration, MOVED after it), and a
 * run through the CLI.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi, type TestContext } from 'vitest';
import { redisClusterBackendFactory } from '../../src/backends/redis/cluster.js';
import type { BackendContext, Lease, LockBackend } from '../../src/backends/types.js';
import { readReport } from '../helpers/backend-cli.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { keySlot, RedisCluster, redisClusterMissing } from '../helpers/redis-cluster.js';
import { accountedArrivals } from '../helpers/run.js';
import { freePort } from '../helpers/server-process.js';
import { describeConformance, freshKey } from './conformance.js';

type ClusterSpec = Parameters<typeof redisClusterBackendFactory.create>[0];

const PASSWORD = 'cluster-s3cret-9d1e';
const CONTEXT: BackendContext = { workerIndex: 0, workerCount: 1, resourceCount: 100, clientsPerWorker: 8, seed: 1 };
const deadPorts = [await freePort(), await freePort()];

/** A resolved `redis-cluster` spec with the schema's defaults. */
function clusterSpec(urls: readonly string[], overrides: Partial<ClusterSpec> = {}): ClusterSpec {
  return {
    type: 'redis-cluster',
    urls,
    tls: false,
    keyPrefix: 'lockbench:',
    connectTimeoutMs: 2_000,
    commandTimeoutMs: 2_000,
    maxRetriesPerRequest: 1,
    autoPipelining: true,
    ...overrides,
  };
}

async function createCluster(urls: readonly string[], overrides: Partial<ClusterSpec> = {}): Promise<LockBackend> {
  return redisClusterBackendFactory.create(clusterSpec(urls, overrides), undefined, CONTEXT);
}

// one cluster for the whole file: creating one takes a few seconds
let cluster: RedisCluster | undefined;
let skipReason: string | undefined;
let starting: Promise<void> | undefined;

/** Starts the cluster once (the first describe block to need it), or records why it is skipped. */
function startCluster(): Promise<void | { skip: string }> {
  starting ??= (async () => {
    const missing = redisClusterMissing();
    if (missing) {
      skipReason = missing.skip;
      return;
    }
    cluster = await RedisCluster.start({ password: PASSWORD });
  })();
  return starting.then(() => (skipReason ? { skip: skipReason } : undefined));
}

afterAll(async () => {
  await cluster?.remove();
});

describeConformance('redis-cluster (three seeds)', {
  blocksInAcquire: false,
  beforeAll: startCluster,
  createBackend: () => createCluster(cluster!.urls),
  unreachable: {
    createBackend: () => createCluster(deadPorts.map((port) => `redis://:${PASSWORD}@127.0.0.1:${port}`), { connectTimeoutMs: 1_000 }),
    address: `127.0.0.1:${deadPorts[0]}`,
    secrets: [PASSWORD],
  },
});

describeConformance('redis-cluster (one seed node, no pipelining)', {
  blocksInAcquire: false,
  beforeAll: startCluster,
  createBackend: () => createCluster([cluster!.urls[1]], { autoPipelining: false }),
});

describe('redis-cluster backend: slots', () => {
  const open: LockBackend[] = [];

  beforeAll(startCluster);
  afterAll(async () => {
    await Promise.all(open.map((backend) => backend.close()));
  });

  function skipIfUnavailable(context: TestContext): void {
    if (skipReason) context.skip(skipReason);
  }

  async function connected(urls = cluster!.urls): Promise<LockBackend> {
    const backend = await createCluster(urls);
    open.push(backend);
    await backend.connect();
    return backend;
  }

  /** `count` fresh keys whose lock keys hash to `slot`. */
  function keysInSlot(slot: number, count: number, label: string): string[] {
    const keys: string[] = [];
    for (let i = 0; keys.length < count; i++) {
      const key = `${freshKey(label)}:${i}`;
      if (keySlot(`lockbench:{${key}}`) === slot) keys.push(key);
    }
    return keys;
  }

  it('spreads locks over all three masters; lock and fence keys share a slot', async (context) => {
    skipIfUnavailable(context);
    const backend = await connected();
    const before = await Promise.all(cluster!.nodes.map((node) => cluster!.keyCount(node)));
    const leases: Lease[] = [];
    for (let i = 0; i < 60; i++) {
      const lease = await backend.acquire(freshKey('spread'), { ttlMs: 30_000, waitMs: 0 });
      expect(lease).not.toBeNull();
      leases.push(lease!);
    }
    const after = await Promise.all(cluster!.nodes.map((node) => cluster!.keyCount(node)));
    // each lock adds its lock key and its fence key, on the same master
    after.forEach((count, index) => expect(count - before[index], `keys added on master ${index}`).toBeGreaterThan(0));
    expect(after.reduce((a, b) => a + b) - before.reduce((a, b) => a + b)).toBe(120);
    for (const lease of leases) expect(await backend.release(lease)).toBe(true);
  });

  it('keeps locks exclusive while their slot moves to another master (ASK, then MOVED)', async (context) => {
    skipIfUnavailable(context);
    const [holder, rival] = [await connected(), await connected([cluster!.urls[2]])];
    const slot = keySlot(`lockbench:{${freshKey('slot')}}`);
    const [first, second] = keysInSlot(slot, 2, 'slot');
    const source = await cluster!.ownerOf(slot);
    const target = cluster!.nodes.find((node) => node !== source)!;

    const held = await holder.acquire(first, { ttlMs: 60_000, waitMs: 0 });
    expect(held).not.toBeNull();

    // mid-migration: `first` is still on the source and still held there; a script on two keys that
    // exist nowhere yet is sent (ASK) to the importing master, which answers TRYAGAIN until the
    // slot's keys have moved: the acquire keeps retrying and is granted once they have
    await cluster!.beginMigration(slot, target);
    const fresh = rival.acquire(second, { ttlMs: 60_000, waitMs: 0 });
    expect(await rival.acquire(first, { ttlMs: 60_000, waitMs: 0 }), 'the held key, still on the source').toBeNull();
    await cluster!.moveKeys(slot, source, target);
    await cluster!.finishMigration(slot, target);
    expect(await fresh, 'a new key in the moving slot, granted after TRYAGAIN').not.toBeNull();
    expect(await cluster!.ownerOf(slot)).toBe(target);

    const refreshesBefore = holder.stats!()['slot map refreshes'];
    // the holder still maps the slot to the source: its next command meets MOVED
    expect(await rival.acquire(first, { ttlMs: 60_000, waitMs: 0 }), 'still held after the move').toBeNull();
    expect(await holder.acquire(second, { ttlMs: 60_000, waitMs: 0 }), 'the other lock is still held too').toBeNull();
    expect(await holder.extend!(held!, 60_000), 'extend follows MOVED').toBe(true);
    expect(await holder.release(held!), 'release follows MOVED').toBe(true);
    const next = await rival.acquire(first, { ttlMs: 60_000, waitMs: 0 });
    expect(next, 'free after release').not.toBeNull();
    expect(Number(next!.fence), 'the fence counter moved with the lock').toBeGreaterThan(Number(held!.fence));
    await vi.waitFor(() => expect(holder.stats!()['slot map refreshes'], 'MOVED made the holder re-read the slot map').toBeGreaterThan(refreshesBefore));
    expect(await rival.release(next!)).toBe(true);
    expect(await rival.release((await fresh)!)).toBe(true);
    expect(rival.stats!()['server error replies'], 'no redirection reached the caller').toBe(0);
  });

  it('serves concurrent auto-pipelined clients while a hot slot moves: no error reaches them, never two holders', async (context) => {
    skipIfUnavailable(context);
    const backend = await connected();
    const slot = keySlot(`lockbench:{${freshKey('hot')}}`);
    const hot = keysInSlot(slot, 8, 'hot');
    const cold = Array.from({ length: 32 }, () => freshKey('cold'));
    const holding = new Set<string>();
    let overlaps = 0;
    let granted = 0;
    const errors: string[] = [];
    let stop = false;
    const users = Array.from({ length: 32 }, async (_, user) => {
      for (let cycle = 0; !stop; cycle++) {
        const key = cycle % 2 === 0 ? hot[(user + cycle) % hot.length] : cold[(user * 7 + cycle) % cold.length];
        try {
          const lease = await backend.acquire(key, { ttlMs: 30_000, waitMs: 0 });
          if (lease) {
            if (holding.has(key)) overlaps++;
            holding.add(key);
            granted++;
            await new Promise((resolve) => setImmediate(resolve));
            holding.delete(key);
            expect(await backend.release(lease)).toBe(true);
          }
        } catch (error) {
          errors.push((error as Error).message);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const source = await cluster!.ownerOf(slot);
    await cluster!.migrateSlot(slot, cluster!.nodes.find((node) => node !== source)!);
    const grantedBeforeMove = granted;
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await Promise.all(users);
    expect(errors.slice(0, 5), `${errors.length} errors`).toEqual([]);
    expect(overlaps).toBe(0);
    expect(granted, 'grants after the move').toBeGreaterThan(grantedBeforeMove);
  });

  it('runs the built-in redis-cluster/flash-sale against $REDIS_CLUSTER_URLS through the CLI: keys on every master, no password in the output', async (context) => {
    skipIfUnavailable(context);
    const before = await Promise.all(cluster!.nodes.map((node) => cluster!.keyCount(node)));
    const out = tempDir('lockbench-redis-cluster-');
    context.onTestFinished(() => rmSync(out, { recursive: true, force: true }));
    const result = await runCli(['run', 'redis-cluster/flash-sale', '--duration', '2s', '--workers', '2', '--quiet', '--format', 'json', '--out', out], {
      env: { REDIS_CLUSTER_URLS: cluster!.urls.join(',') },
    });
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    expect(report.backend.type).toBe('redis-cluster');
    expect(report.totals.acquired).toBeGreaterThan(100);
    expect(report.totals.errors).toBe(0);
    expect(report.totals.violations).toBe(0);
    expect(accountedArrivals(report)).toBe(report.totals.arrivals);
    // the fence counters stay behind: each master got some of the 100 products
    const after = await Promise.all(cluster!.nodes.map((node) => cluster!.keyCount(node)));
    after.forEach((count, index) => expect(count, `keys on master ${index}`).toBeGreaterThan(before[index]));
    for (const text of [result.stdout, result.stderr, readFileSync(join(out, 'report.json'), 'utf8')]) {
      expect(text).not.toContain(PASSWORD);
    }
  }, 60_000);
});
