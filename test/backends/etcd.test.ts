/**
 * The etcd backend against a real etcd (one member on free loopback ports):
 * the shared conformance suite, then the CLI's failure paths — unreachable at
 * start, a holder whose lease runs out while its process is paused, the server
 * killed mid-run — and the built-in etcd scenario pointed at the test server.
 * The CLI cases need dist/ (npx tsc -p tsconfig.build.json).
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { etcdBackendFactory } from '../../src/backends/etcd/index.js';
import type { BackendContext, LockBackend } from '../../src/backends/types.js';
import { monotonicMs, sleep } from '../../src/clock.js';
import type { BackendSpecOf } from '../../src/scenario/types.js';
import { type EtcdServer, etcdctl, etcdMissing, startEtcdServer } from '../helpers/etcd-server.js';
import { expectOutageReport, expectUnreachableExit, readReport } from '../helpers/backend-cli.js';
import { runCli, tempDir, writeScenario } from '../helpers/cli.js';
import { freePort, requireBackends, waitUntil } from '../helpers/server-process.js';
import { describeConformance } from './conformance.js';

type EtcdSpec = BackendSpecOf<'etcd'>;

const context: BackendContext = { workerIndex: 0, workerCount: 1, resourceCount: 64, clientsPerWorker: 16, seed: 1 };

function spec(urls: string[], overrides: Partial<EtcdSpec> = {}): EtcdSpec {
  return { type: 'etcd', urls, prefix: 'lockbench-test/', connectTimeoutMs: 2_000, ...overrides };
}

/** One server for the whole file: the conformance suite first, the CLI cases after it. */
let server: EtcdServer | undefined;
let skipReason: string | undefined;

async function ensureServer(): Promise<{ skip: string } | undefined> {
  if (server || skipReason) return skipReason ? { skip: skipReason } : undefined;
  const missing = etcdMissing();
  if (missing) {
    skipReason = missing.skip;
    return missing;
  }
  server = await startEtcdServer();
  return undefined;
}

/** temp folders of scenarios and reports, removed after the file */
const scratch: string[] = [];

afterAll(async () => {
  await server?.remove();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function outDir(): string {
  const dir = tempDir();
  scratch.push(dir);
  return dir;
}

function scenarioFile(yaml: string): string {
  const file = writeScenario(yaml);
  scratch.push(dirname(file));
  return file;
}

let deadPort = 0;

describeConformance('etcd', {
  async beforeAll() {
    deadPort = await freePort();
    return ensureServer();
  },
  async createBackend(): Promise<LockBackend> {
    return etcdBackendFactory.create(spec([server!.url]), undefined, context);
  },
  // etcd leases are whole seconds (the test server's minimum TTL is 1 s), expired by a 500 ms sweep
  ttlResolutionMs: 1_000,
  unreachable: {
    async createBackend() {
      return etcdBackendFactory.create(spec([`http://lockbench-user:s3cret-pw@127.0.0.1:${deadPort}`]), undefined, context);
    },
    get address() {
      return `127.0.0.1:${deadPort}`;
    },
    secrets: ['s3cret-pw', 'lockbench-user'],
  },
});

/** Keys under `prefix` on the test server (etcdctl, keys only). */
async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await etcdctl(server!.url, ['get', '--prefix', '--keys-only', prefix]);
  return listed.stdout.split('\n').filter((line) => line.trim() !== '');
}

describe('etcd backend: queue keys and leases', () => {
  const open: LockBackend[] = [];
  const prefix = `lockbench-queue-${Date.now()}/`;

  beforeAll(async () => {
    const outcome = await ensureServer();
    if (outcome && requireBackends) throw new Error(outcome.skip);
  });

  afterAll(async () => {
    await Promise.all(open.splice(0).map((backend) => backend.close()));
  });

  async function client(): Promise<LockBackend> {
    const backend = await etcdBackendFactory.create(spec([server!.url], { prefix }), undefined, context);
    open.push(backend);
    await backend.connect();
    return backend;
  }

  it('leaves no queue key behind when a wait times out, and none after release', async (test) => {
    if (skipReason) test.skip(skipReason);
    const [a, b] = [await client(), await client()];
    const held = await a.acquire('budget', { ttlMs: 30_000, waitMs: 0 });
    expect(held).not.toBeNull();
    expect(await b.acquire('budget', { ttlMs: 30_000, waitMs: 300 })).toBeNull();
    expect(await keysUnder(`${prefix}budget/`), 'only the holder is queued').toHaveLength(1);
    expect(await a.release(held!)).toBe(true);
    expect(await keysUnder(`${prefix}budget/`)).toEqual([]);
  });

  it('keeps lock keys with a slash apart from the lock they start with', async (test) => {
    if (skipReason) test.skip(skipReason);
    const [a, b] = [await client(), await client()];
    const parent = await a.acquire('seat', { ttlMs: 10_000, waitMs: 0 });
    const child = await b.acquire('seat/1', { ttlMs: 10_000, waitMs: 0 });
    expect(parent).not.toBeNull();
    expect(child, 'seat/1 is another lock than seat').not.toBeNull();
    expect(await a.release(parent!)).toBe(true);
    expect(await b.release(child!)).toBe(true);
  });

  it('marks a lock lost when etcd says its lease is gone (keepalive answers TTL 0)', async (test) => {
    if (skipReason) test.skip(skipReason);
    const [a, b] = [await client(), await client()];
    const held = await a.acquire('revoked', { ttlMs: 30_000, waitMs: 0 });
    expect(held).not.toBeNull();
    const leaseHex = held!.token.split('@')[0];
    const revoked = await etcdctl(server!.url, ['lease', 'revoke', leaseHex]);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(await a.extend!(held!, 30_000), 'extend of a revoked lease').toBe(false);
    expect(held!.lost).toBe(true);
    expect(await a.release(held!), 'release of a lost lock').toBe(false);
    const next = await b.acquire('revoked', { ttlMs: 30_000, waitMs: 0 });
    expect(next, 'the key went with the lease').not.toBeNull();
    expect(Number(next!.fence)).toBeGreaterThan(Number(held!.fence));
    expect(await b.release(next!)).toBe(true);
    expect(a.stats!()['leases lost']).toBe(1);
  });
});

describe('etcd backend through the CLI', () => {
  beforeAll(async () => {
    const outcome = await ensureServer();
    if (outcome && requireBackends) throw new Error(outcome.skip);
  });

  function skipIfUnavailable(test: TestContext): void {
    if (skipReason) test.skip(skipReason);
  }

  it('exits 3 with one line naming host:port, and no credentials, when etcd is unreachable at start', async (test) => {
    skipIfUnavailable(test);
    const port = await freePort();
    const file = scenarioFile(`
name: etcd-unreachable
backend: { type: etcd, urls: "http://lb-user:pa55-secret@127.0.0.1:${port}", connectTimeout: 2s }
phases: [{ duration: 1s, rate: 10 }]
`);
    const started = monotonicMs();
    const result = await runCli(['run', file, '--quiet', '--out', outDir()], { timeoutMs: 30_000 });
    const line = expectUnreachableExit(result, `127.0.0.1:${port}`, ['pa55-secret', 'lb-user']);
    expect(monotonicMs() - started, 'well within the connect timeout plus start-up').toBeLessThan(20_000);
    expect(line).toMatch(/etcd unreachable/);
  });

  it('runs the built-in etcd scenario against the server named by ETCD_URL', async (test) => {
    skipIfUnavailable(test);
    const out = outDir();
    const result = await runCli(
      ['run', 'scenarios/etcd/upi-peak.yaml', '--quiet', '--out', out, '--duration', '2s', '--workers', '1', '--set', 'phases.0.rate=20', '--set', 'phases.0.rampTo=40'],
      { env: { ETCD_URL: server!.url }, timeoutMs: 60_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    expect(report.backend.type).toBe('etcd');
    expect((report.backend as unknown as { urls: string[] }).urls).toEqual([server!.url]);
    expect(report.totals.acquired).toBeGreaterThan(0);
    expect(report.totals.errors).toBe(0);
    expect(report.totals.violations).toBe(0);
    expect(report.backend.stats?.['leases granted']).toBeGreaterThan(0);
    // every lock was released or expired: nothing is left in the queues
    expect(await keysUnder('lockbench/upi-peak/')).toEqual([]);
  });

  it('counts a lost lease when its holder is paused past the TTL, while another client takes the key', async (test) => {
    skipIfUnavailable(test);
    const prefix = `lockbench-paused-${Date.now()}/`;
    const out = outDir();
    const file = scenarioFile(`
name: etcd-paused-holder
backend: { type: etcd, urls: "${server!.url}", prefix: "${prefix}" }
workers: 1
users: 1
duration: 1s
thinkTime: 0ms
drain: 30s
resources: { count: 1, key: "paused:{id}" }
lock: { ttl: 2s, acquireTimeout: 10s, retry: { strategy: none }, renew: { every: 400ms } }
hold: 7s
`);
    let child: ChildProcess | undefined;
    const running = runCli(['run', file, '--quiet', '--out', out], { onSpawn: (spawned) => (child = spawned), timeoutMs: 60_000 });
    // the child holds the key once its queue key exists
    await waitUntil(async () => (await keysUnder(prefix)).length > 0, 20_000, 'the CLI to take the lock');
    const [childKey] = await keysUnder(prefix);
    child!.kill('SIGSTOP'); // its keepalives (renewals) stop with it
    let taker: LockBackend | undefined;
    try {
      taker = await etcdBackendFactory.create(spec([server!.url], { prefix }), undefined, context);
      await taker.connect();
      const started = monotonicMs();
      const lease = await taker.acquire('paused:0', { ttlMs: 10_000, waitMs: 15_000 });
      expect(lease, 'taken once the paused holder lease ran out').not.toBeNull();
      expect(monotonicMs() - started, 'not before the paused holder lease ran out').toBeGreaterThan(500);
      expect(await keysUnder(prefix), 'the paused holder key went with its lease').not.toContain(childKey);
      await sleep(200);
      expect(await taker.release(lease!)).toBe(true);
    } finally {
      child!.kill('SIGCONT');
      await taker?.close();
    }
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    expect(report.totals.acquired).toBe(1);
    expect(report.totals.lostLeases, 'the resumed holder learned from its own clock that it lost the lease').toBeGreaterThanOrEqual(1);
    expect(report.totals.violations).toBe(0);
    expect(report.backend.stats?.['leases lost']).toBeGreaterThanOrEqual(1);
  });

  it('completes the run, counting errors, when etcd is killed mid-run', async (test) => {
    skipIfUnavailable(test);
    const prefix = `lockbench-killed-${Date.now()}/`;
    const out = outDir();
    const file = scenarioFile(`
name: etcd-killed
backend: { type: etcd, urls: "${server!.url}", prefix: "${prefix}" }
workers: 1
phases: [{ duration: 4s, rate: 40 }]
drain: 2s
resources: { count: 4, key: "hot:{id}" }
lock: { ttl: 5s, acquireTimeout: 1s, retry: { strategy: none } }
hold: 50ms
`);
    let killed = false;
    const running = runCli(['run', file, '--quiet', '--out', out], { timeoutMs: 60_000 });
    try {
      // kill once locks are being taken
      await waitUntil(async () => (await etcdctl(server!.url, ['get', '--prefix', '--keys-only', prefix])).stdout.trim() !== '', 20_000, 'the first lock');
      await sleep(1_000);
      await server!.kill();
      killed = true;
    } finally {
      const result = await running;
      if (killed) await server!.start(); // for any case after this one
      expect(result.code, result.stderr).toBe(0);
    }
    expectOutageReport(out, /etcd (acquire|release)/);
  });
});
