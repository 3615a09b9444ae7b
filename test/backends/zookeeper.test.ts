/**
 * The zookeeper backend against a real ZooKeeper (one per file, free loopback
 * port, throwaway data dir): the shared conformance suite, the recipe's shape
 * on the server (no herd, no stray nodes), and failures through the real CLI
 * (unreachable, server killed mid-run, a paused holder's session expiring).
 */
import type { ChildProcess } from 'node:child_process';
import { createClient, type Client } from 'node-zookeeper-client';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { BackendContext, Lease, LockBackend } from '../../src/backends/types.js';
import { encodeLockKey } from '../../src/backends/zookeeper/lock-names.js';
import { zookeeperBackendFactory } from '../../src/backends/zookeeper/index.js';
import { monotonicMs, sleep } from '../../src/clock.js';
import type { BackendSpecOf } from '../../src/scenario/types.js';
import { expectOutageReport, expectUnreachableExit, readReport } from '../helpers/backend-cli.js';
import { runCli, tempDir, writeScenario } from '../helpers/cli.js';
import { freePort, waitUntil } from '../helpers/server-process.js';
import { fourLetterWord, startZooKeeper, zookeeperMissing, type ZooKeeperServer } from '../helpers/zookeeper-server.js';
import { describeConformance, freshKey } from './conformance.js';

type ZooKeeperSpec = BackendSpecOf<'zookeeper'>;

const context: BackendContext = { workerIndex: 0, workerCount: 1, resourceCount: 64, clientsPerWorker: 16, seed: 1 };
const ROOT = '/lockbench-test';

function spec(connect: string, overrides: Partial<ZooKeeperSpec> = {}): ZooKeeperSpec {
  return { type: 'zookeeper', connect, root: ROOT, sessionTimeoutMs: 4_000, connectTimeoutMs: 3_000, ...overrides };
}

async function backendOf(connect: string, overrides: Partial<ZooKeeperSpec> = {}): Promise<LockBackend> {
  return zookeeperBackendFactory.create(spec(connect, overrides), undefined, context);
}

let server: ZooKeeperServer | undefined;
let skipReason: string | undefined;
const deadPort = await freePort();

beforeAll(async () => {
  const missing = zookeeperMissing();
  if (missing) skipReason = missing.skip;
  else server = await startZooKeeper();
}, 90_000);

afterAll(async () => {
  await server?.remove();
});

describeConformance('zookeeper', {
  async beforeAll() {
    if (skipReason) return { skip: skipReason };
  },
  createBackend: () => backendOf(server!.connect),
  unreachable: { createBackend: () => backendOf(`127.0.0.1:${deadPort}`), address: `127.0.0.1:${deadPort}` },
  // lock.ttl is enforced by the holder's client deleting its node: one round trip late
  ttlResolutionMs: 100,
});

/** A plain client of the test server, to look at znodes from outside the backend. */
async function inspector(): Promise<Client> {
  const client = createClient(server!.connect, { sessionTimeout: 10_000 });
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  return client;
}

function childrenOf(client: Client, path: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    client.getChildren(path, (error, children) => {
      if (!error) resolve(children);
      else if ((error as { code?: number }).code === -101) resolve([]); // NO_NODE
      else reject(error);
    }),
  );
}

/** The paths the server holds watches on (`wchp`), one per line of its answer that is a path. */
async function watchedPaths(): Promise<string[]> {
  const answer = await fourLetterWord(server!.port, 'wchp');
  return answer.split('\n').filter((line) => line.startsWith('/'));
}

function skipWithoutServer(test: TestContext): void {
  if (skipReason) test.skip(skipReason);
}

describe('zookeeper lock recipe on the server', () => {
  const open: LockBackend[] = [];
  let look: Client | undefined;

  async function client(): Promise<LockBackend> {
    const backend = await backendOf(server!.connect);
    open.push(backend);
    await backend.connect();
    return backend;
  }

  afterAll(async () => {
    await Promise.all(open.map((backend) => backend.close()));
    look?.close();
  });

  it('queues waiters that each watch only the node just ahead (no herd); a release wakes the first alone', async (test) => {
    skipWithoutServer(test);
    look ??= await inspector();
    const key = freshKey('herd');
    const parent = `${ROOT}/${encodeLockKey(key)}`;
    const holder = await client();
    const held = await holder.acquire(key, { ttlMs: 30_000, waitMs: 0 });
    expect(held).not.toBeNull();
    const waiters = [await client(), await client(), await client()];
    const grants: Array<Promise<Lease | null>> = [];
    for (const waiter of waiters) {
      grants.push(waiter.acquire(key, { ttlMs: 30_000, waitMs: 20_000 }));
      // queue in a known order
      await waitUntil(async () => (await childrenOf(look!, parent)).length === grants.length + 1, 5_000, 'the waiter to queue');
    }
    const nodes = (await childrenOf(look!, parent)).sort((a, b) => Number(a.slice(-10)) - Number(b.slice(-10)));
    await waitUntil(async () => (await watchedPaths()).filter((path) => path.startsWith(parent)).length === 3, 5_000, 'three watches');
    const watched = (await watchedPaths()).filter((path) => path.startsWith(parent)).sort();
    // each waiter watches its predecessor; nobody watches the key's parent (that would wake everyone)
    expect(watched).toEqual(nodes.slice(0, 3).map((node) => `${parent}/${node}`).sort());

    const settled: boolean[] = [false, false, false];
    grants.forEach((grant, index) => void grant.then(() => (settled[index] = true)));
    expect(await holder.release(held!)).toBe(true);
    const first = await grants[0];
    expect(first, 'the first waiter is granted').not.toBeNull();
    expect(first!.contended).toBe(true);
    expect(Number(first!.fence)).toBeGreaterThan(Number(held!.fence));
    await sleep(200);
    expect(settled.slice(1), 'the others keep waiting').toEqual([false, false]);
    await waiters[0].release(first!);
    const second = await grants[1];
    await waiters[1].release(second!);
    const third = await grants[2];
    await waiters[2].release(third!);
    expect(Number(third!.fence)).toBeGreaterThan(Number(second!.fence));
    expect(await childrenOf(look!, parent), 'no node left').toEqual([]);
  });

  it('leaves no lock node behind after a busy try, a timed-out wait and an aborted wait', async (test) => {
    skipWithoutServer(test);
    look ??= await inspector();
    const key = freshKey('stray');
    const parent = `${ROOT}/${encodeLockKey(key)}`;
    const [holder, other] = [await client(), await client()];
    const held = await holder.acquire(key, { ttlMs: 30_000, waitMs: 0 });
    expect(held).not.toBeNull();
    expect(await other.acquire(key, { ttlMs: 30_000, waitMs: 0 }), 'busy try').toBeNull();
    expect(await other.acquire(key, { ttlMs: 30_000, waitMs: 150 }), 'timed-out wait').toBeNull();
    const controller = new AbortController();
    const aborted = other.acquire(key, { ttlMs: 30_000, waitMs: 20_000, signal: controller.signal });
    await sleep(100);
    controller.abort();
    expect(await aborted, 'aborted wait').toBeNull();
    const children = await childrenOf(look!, parent);
    expect(children, 'only the holder').toEqual([held!.token.slice(parent.length + 1)]);
    expect(await holder.release(held!)).toBe(true);
    expect(await childrenOf(look!, parent)).toEqual([]);
  });

  it('maps keys with "/" and other unsafe characters to distinct lock nodes', async (test) => {
    skipWithoutServer(test);
    const backend = await client();
    const base = freshKey('enc');
    const keys = [`${base}/a`, `${base}%2Fa`, `${base}:a`, '.', '..', `${base}\u0001`];
    expect(new Set(keys.map(encodeLockKey)).size).toBe(keys.length);
    const leases = await Promise.all(keys.map((key) => backend.acquire(key, { ttlMs: 10_000, waitMs: 0 })));
    for (const [index, lease] of leases.entries()) expect(lease, keys[index]).not.toBeNull();
    for (const lease of leases) expect(await backend.release(lease!)).toBe(true);
  });
});

describe('zookeeper failures', () => {
  let ensemble = '';
  beforeAll(() => {
    ensemble = server?.connect ?? '';
  });

  it('fails fast while disconnected, marks held leases lost, and works again once the server is back', async (test) => {
    skipWithoutServer(test);
    const backend = await backendOf(ensemble, { sessionTimeoutMs: 20_000 });
    try {
      await backend.connect();
      const held = await backend.acquire(freshKey('drop'), { ttlMs: 30_000, waitMs: 0 });
      expect(held).not.toBeNull();
      await server!.kill();
      await waitUntil(async () => backend.stats!().disconnects >= 1, 10_000, 'the client to notice');
      expect(held!.lost, 'a lease held through a drop is lost').toBe(true);
      const started = monotonicMs();
      await expect(backend.acquire(freshKey('drop'), { ttlMs: 30_000, waitMs: 5_000 })).rejects.toThrow(/not connected/);
      expect(monotonicMs() - started, 'at once, not queued').toBeLessThan(500);
      expect(await backend.release(held!), 'release of the lost lease').toBe(false);
      await server!.start();
      // the session outlives the restart (it is in the server's data dir): same client, working again
      let again: Lease | null = null;
      await waitUntil(
        async () => {
          again = await backend.acquire(freshKey('drop'), { ttlMs: 30_000, waitMs: 0 }).catch(() => null);
          return again !== null;
        },
        20_000,
        'acquire to work after the restart',
      );
      expect(await backend.release(again!)).toBe(true);
    } finally {
      await backend.close();
    }
  }, 60_000);

  it('a server that stops answering fails calls within the session timeout instead of hanging, and is used again when it resumes', async (test) => {
    skipWithoutServer(test);
    const backend = await backendOf(ensemble, { sessionTimeoutMs: 3_000 });
    let stopped = false;
    try {
      await backend.connect();
      const before = await backend.acquire(freshKey('stall'), { ttlMs: 30_000, waitMs: 0 });
      expect(await backend.release(before!)).toBe(true);
      server!.signal('SIGSTOP');
      stopped = true;
      const started = monotonicMs();
      await expect(backend.acquire(freshKey('stall'), { ttlMs: 30_000, waitMs: 0 })).rejects.toThrow(/CONNECTION_LOSS/);
      expect(monotonicMs() - started, 'dropped after 2/3 of the session timeout, not hung').toBeLessThan(8_000);
      await expect(backend.acquire(freshKey('stall'), { ttlMs: 30_000, waitMs: 0 })).rejects.toThrow(/not connected/);
      server!.signal('SIGCONT');
      stopped = false;
      let again: Lease | null = null;
      await waitUntil(
        async () => {
          again = await backend.acquire(freshKey('stall'), { ttlMs: 30_000, waitMs: 0 }).catch(() => null);
          return again !== null;
        },
        20_000,
        'acquire to work after the server resumed',
      );
      expect(await backend.release(again!)).toBe(true);
      expect(backend.stats!().disconnects).toBeGreaterThanOrEqual(1);
    } finally {
      if (stopped) server!.signal('SIGCONT');
      await backend.close();
    }
  }, 60_000);

  it('unreachable at start → exit 3 with one line naming host:port', async (test) => {
    skipWithoutServer(test);
    const file = writeScenario(
      [
        'name: zk-unreachable',
        `backend: { type: zookeeper, connect: "127.0.0.1:${deadPort}", connectTimeout: 2s }`,
        'phases: [ { duration: 1s, rate: 10 } ]',
      ].join('\n'),
    );
    const result = await runCli(['run', file, '--quiet', '--out', tempDir()]);
    expect(expectUnreachableExit(result, `127.0.0.1:${deadPort}`)).toMatch(/unreachable: connection refused/);
  });

  it('server killed mid-run → the run completes, errors are counted, the report is written', async (test) => {
    skipWithoutServer(test);
    const out = tempDir();
    const file = writeScenario(
      [
        'name: zk-killed',
        `backend: { type: zookeeper, connect: "${ensemble}", root: /killed, sessionTimeout: 4s }`,
        'workers: 2',
        'phases: [ { duration: 6s, rate: 100 } ]',
        'resources: { count: 50 }',
        'lock: { ttl: 10s, acquireTimeout: 1s, retry: { strategy: exponential-jitter, base: 10ms, max: 100ms } }',
        'hold: 5ms',
        'drain: 2s',
      ].join('\n'),
    );
    const look = await inspector();
    const running = runCli(['run', file, '--quiet', '--out', out, '--format', 'json']);
    try {
      await waitUntil(async () => (await childrenOf(look, '/killed')).length > 10, 20_000, 'the run to lock keys');
    } finally {
      look.close();
    }
    await sleep(1_000);
    await server!.kill();
    const result = await running;
    await server!.start();
    expect(result.code, result.stderr).toBe(0);
    // the first error names the server
    const report = expectOutageReport(out, /zookeeper 127\.0\.0\.1:\d+: /);
    const stats = report.backend.stats as Record<string, number>;
    expect(stats.disconnects, 'each worker saw its connection drop').toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("a paused holder's session expires → another client takes the key, the run reports a lost lease", async (test) => {
    skipWithoutServer(test);
    const out = tempDir();
    const sessionTimeoutMs = 2_000;
    const file = writeScenario(
      [
        'name: zk-paused-holder',
        `backend: { type: zookeeper, connect: "${ensemble}", root: /paused, sessionTimeout: ${sessionTimeoutMs}ms }`,
        'workers: 1',
        'phases: [ { duration: 1s, rate: 1 } ]',
        'resources: { count: 1, key: "paused:{id}" }',
        'lock: { ttl: 60s, acquireTimeout: 5s, retry: { strategy: none } }',
        'hold: 8s',
        'drain: 30s',
      ].join('\n'),
    );
    const look = await inspector();
    let child: ChildProcess | undefined;
    const running = runCli(['run', file, '--quiet', '--out', out, '--format', 'json'], { onSpawn: (spawned) => (child = spawned) });
    const taker = await backendOf(ensemble);
    try {
      let key = '';
      await waitUntil(
        async () => {
          for (const name of await childrenOf(look, '/paused')) {
            if ((await childrenOf(look, `/paused/${name}`)).length > 0) key = name;
          }
          return key !== '';
        },
        20_000,
        'the run to hold its key',
      );
      child!.kill('SIGSTOP');
      await sleep(sessionTimeoutMs + 1_000);
      await taker.connect();
      const taken = await taker.acquire(key, { ttlMs: 10_000, waitMs: 10_000 });
      expect(taken, 'granted once the paused holder’s session expired').not.toBeNull();
      expect(await taker.release(taken!)).toBe(true);
    } finally {
      child?.kill('SIGCONT');
      look.close();
      await taker.close();
    }
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    expect(report.totals.acquired).toBe(1);
    expect(report.totals.lostLeases, 'the paused holder lost its lease').toBeGreaterThanOrEqual(1);
    expect(report.totals.violations).toBe(0);
    expect((report.backend.stats as Record<string, number>)['sessions expired']).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('runs the built-in zookeeper/tatkal scenario against ZOOKEEPER_CONNECT', async (test) => {
    skipWithoutServer(test);
    const out = tempDir();
    const result = await runCli(['run', 'zookeeper/tatkal', '--time-scale', '0.01', '--quiet', '--out', out, '--format', 'json'], {
      env: { ZOOKEEPER_CONNECT: ensemble },
    });
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    expect(report.backend.connect).toBe(ensemble);
    expect(report.totals.acquired).toBeGreaterThan(0);
    expect(report.totals.errors).toBe(0);
    expect(report.totals.violations).toBe(0);
  }, 60_000);
});
