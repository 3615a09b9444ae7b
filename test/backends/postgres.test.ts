/**
 * The `postgres` backend against a real PostgreSQL on a free loopback port: the
 * conformance suite in both lock scopes, what having no TTL means (a lock lives
 * until unlock or until its connection ends: a terminated holder is a lost
 * lease), cancelled waits, the connection pool, the fence sequence, a server
 * killed and restarted mid-run, an unreachable server and the built-in
 * postgres scenario through the CLI.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { defaultPoolSize, postgresBackendFactory } from '../../src/backends/postgres/index.js';
import { advisoryLockId } from '../../src/backends/postgres/key-hash.js';
import type { BackendContext, LockBackend } from '../../src/backends/types.js';
import { monotonicMs, sleep } from '../../src/clock.js';
import { BackendUnavailableError } from '../../src/errors.js';
import {
  expectGrantsFrom,
  expectLostLeasesReport,
  expectOutageReport,
  expectUnreachableExit,
  outageDuringRun,
  outageScenario,
  readReport,
  skipUnlessServer,
} from '../helpers/backend-cli.js';
import { runCli, tempDir, writeScenario } from '../helpers/cli.js';
import { postgresMissing, startPostgresServer, type PostgresServer } from '../helpers/postgres-server.js';
import { accountedArrivals } from '../helpers/run.js';
import { freePort, waitUntil } from '../helpers/server-process.js';
import { describeConformance, freshKey } from './conformance.js';

type PostgresSpec = Parameters<typeof postgresBackendFactory.create>[0];
type LockScope = PostgresSpec['lockScope'];

/** Distinctive, so a grep of any output finds it if it leaked. */
const PASSWORD = 's3cret-n0t-in-0utput';
const CONTEXT: BackendContext = { workerIndex: 0, workerCount: 1, resourceCount: 100, clientsPerWorker: 4, seed: 1 };
/** a loopback port where nothing listens */
const deadPort = await freePort();

let server: PostgresServer | undefined;
let starting: Promise<{ skip: string } | undefined> | undefined;

/** One server for the whole file, started by the first block that needs it. */
function ensureServer(): Promise<{ skip: string } | undefined> {
  starting ??= (async () => {
    const missing = postgresMissing();
    if (missing) return missing;
    server = await startPostgresServer();
    return undefined;
  })();
  return starting;
}

afterAll(async () => {
  await server?.remove();
});

function postgresSpec(overrides: Partial<PostgresSpec> = {}): PostgresSpec {
  return {
    type: 'postgres',
    url: server?.url ?? `postgres://postgres@127.0.0.1:${deadPort}/postgres`,
    lockScope: 'session',
    connectTimeoutMs: 2_000,
    fenceSequence: 'lockbench_fence',
    ...overrides,
  };
}

async function createPostgres(overrides: Partial<PostgresSpec> = {}, context: BackendContext = CONTEXT): Promise<LockBackend> {
  return postgresBackendFactory.create(postgresSpec(overrides), undefined, context);
}

for (const lockScope of ['session', 'xact'] as const) {
  describeConformance(`postgres (${lockScope})`, {
    beforeAll: () => ensureServer(),
    createBackend: () => createPostgres({ lockScope }),
    // no TTL: a lock is held until release or until its connection ends
    leasesExpire: false,
    unreachable: {
      createBackend: () => createPostgres({ url: `postgres://u:${PASSWORD}@127.0.0.1:${deadPort}/db`, lockScope, connectTimeoutMs: 1_000 }),
      address: `127.0.0.1:${deadPort}`,
      secrets: [PASSWORD],
    },
  });
}

/** The pid of the session holding the advisory lock of `key`, read from pg_locks. */
async function holderPid(key: string): Promise<number | undefined> {
  const rows = await server!.query<{ pid: number }>(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
       AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
    [advisoryLockId(key)],
  );
  return rows[0]?.pid;
}

/** Advisory lock requests on `key` that wait (not granted). */
async function waitersOn(key: string): Promise<number> {
  const rows = await server!.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
       AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
    [advisoryLockId(key)],
  );
  return Number(rows[0].n);
}

describe('postgres backend', () => {
  const skipIfUnavailable = skipUnlessServer(ensureServer);
  const open: LockBackend[] = [];

  afterEach(async () => {
    await Promise.all(open.splice(0).map((backend) => backend.close()));
  });

  async function connected(overrides: Partial<PostgresSpec> = {}, context?: BackendContext): Promise<LockBackend> {
    const backend = await createPostgres(overrides, context);
    open.push(backend);
    await backend.connect();
    return backend;
  }

  it('hashes a key to the advisory lock id that the documented SQL computes', async (context) => {
    skipIfUnavailable(context);
    for (const key of ['wallet:1', 'train:12951:seat:42', 'ünïcødé:क', '']) {
      const [row] = await server!.query<{ id: string }>(
        `SELECT (('x' || left(encode(sha256(convert_to($1, 'UTF8')), 'hex'), 16))::bit(64)::bigint)::text AS id`,
        [key],
      );
      expect(advisoryLockId(key), key).toBe(row.id);
    }
  });

  it.for(['session', 'xact'] as LockScope[])('holds a lock past its ttl: no TTL, expiresAt is Infinity (%s)', async (lockScope, context) => {
    skipIfUnavailable(context);
    const [a, b] = [await connected({ lockScope }), await connected({ lockScope })];
    const key = freshKey('no-ttl');
    const held = await a.acquire(key, { ttlMs: 50, waitMs: 0 });
    expect(held).not.toBeNull();
    expect(held!.expiresAt).toBe(Infinity);
    expect(a.extend, 'nothing to extend').toBeUndefined();
    await sleep(300);
    expect(await b.acquire(key, { ttlMs: 50, waitMs: 0 }), 'still held long after its ttl').toBeNull();
    expect(await a.release(held!)).toBe(true);
  });

  it.for(['session', 'xact'] as LockScope[])(
    'a terminated holder: the waiter takes over with a higher fence, the lease is lost and counted (%s)',
    async (lockScope, context) => {
      skipIfUnavailable(context);
      const [a, b] = [await connected({ lockScope }), await connected({ lockScope })];
      const key = freshKey('terminated');
      const held = await a.acquire(key, { ttlMs: 10_000, waitMs: 0 });
      expect(held).not.toBeNull();
      const waiting = b.acquire(key, { ttlMs: 10_000, waitMs: 10_000 });
      await waitUntil(async () => (await waitersOn(key)) === 1, 5_000, 'the waiter to queue');
      const pid = await holderPid(key);
      expect(pid, 'the holder is in pg_locks').toBeDefined();
      await server!.query('SELECT pg_terminate_backend($1)', [pid]);
      const taken = await waiting;
      expect(taken, 'granted once the holder is gone').not.toBeNull();
      expect(taken!.contended).toBe(true);
      expect(Number(taken!.fence)).toBeGreaterThan(Number(held!.fence));
      await waitUntil(async () => held!.lost === true, 5_000, 'the lease to be marked lost');
      expect(a.stats!()['connections lost']).toBe(1);
      expect(await a.release(held!), 'release of the lost lease').toBe(false);
      // the dead connection is never handed out again
      const other = await a.acquire(freshKey('after-loss'), { ttlMs: 10_000, waitMs: 0 });
      expect(other).not.toBeNull();
      expect(await a.release(other!)).toBe(true);
      expect(await b.release(taken!)).toBe(true);
      expect(b.stats!()['connections lost']).toBe(0);
    },
  );

  it('fences increase across clients and takeovers after a holder is terminated', async (context) => {
    skipIfUnavailable(context);
    const clients = [await connected(), await connected({ lockScope: 'xact' })];
    const key = freshKey('fence-takeover');
    const fences: number[] = [];
    for (let round = 0; round < 30; round++) {
      const owner = clients[round % 2];
      const lease = await owner.acquire(key, { ttlMs: 10_000, waitMs: 2_000 });
      expect(lease, `round ${round}`).not.toBeNull();
      fences.push(Number(lease!.fence));
      if (round % 10 === 9) {
        await server!.query('SELECT pg_terminate_backend($1)', [await holderPid(key)]);
        await waitUntil(async () => lease!.lost === true, 5_000, 'the lease to be marked lost');
        expect(await owner.release(lease!)).toBe(false);
      } else {
        expect(await owner.release(lease!)).toBe(true);
      }
    }
    for (let i = 1; i < fences.length; i++) expect(fences[i], `fence ${i} (${fences.join(',')})`).toBeGreaterThan(fences[i - 1]);
  });

  it.for(['session', 'xact'] as LockScope[])(
    'an aborted wait is cancelled on the server and its connection is reused (%s)',
    async (lockScope, context) => {
      skipIfUnavailable(context);
      // b has one connection: the attempt after the cancelled wait must run on it again
      const [a, b] = [await connected({ lockScope }), await connected({ lockScope, poolSize: 1 })];
      const key = freshKey('cancel');
      const held = await a.acquire(key, { ttlMs: 10_000, waitMs: 0 });
      const controller = new AbortController();
      const waiting = b.acquire(key, { ttlMs: 10_000, waitMs: 20_000, signal: controller.signal });
      await waitUntil(async () => (await waitersOn(key)) === 1, 5_000, 'the waiter to queue');
      const abortedAt = monotonicMs();
      controller.abort();
      expect(await waiting).toBeNull();
      expect(monotonicMs() - abortedAt, 'promptly').toBeLessThan(2_000);
      expect(await waitersOn(key), 'no waiter left on the server').toBe(0);
      // the same connection serves the next attempt: no reconnect
      const other = await b.acquire(freshKey('after-cancel'), { ttlMs: 10_000, waitMs: 1_000 });
      expect(other).not.toBeNull();
      expect(b.stats!()['connections opened'], 'the cancelled connection was clean').toBe(1);
      expect(await b.release(other!)).toBe(true);
      expect(await a.release(held!)).toBe(true);
    },
  );

  it('a budget under a millisecond still ends (lock_timeout is never 0, which would wait forever)', async (context) => {
    skipIfUnavailable(context);
    const [a, b] = [await connected(), await connected()];
    const key = freshKey('tiny-budget');
    const held = await a.acquire(key, { ttlMs: 10_000, waitMs: 0 });
    const started = monotonicMs();
    expect(await b.acquire(key, { ttlMs: 10_000, waitMs: 0.3 })).toBeNull();
    expect(monotonicMs() - started).toBeLessThan(2_000);
    expect(await a.release(held!)).toBe(true);
  });

  it('requests beyond the pool wait for a connection, within their budget', async (context) => {
    skipIfUnavailable(context);
    const backend = await connected({ poolSize: 2 });
    const leases = [
      await backend.acquire(freshKey('pool-1'), { ttlMs: 10_000, waitMs: 0 }),
      await backend.acquire(freshKey('pool-2'), { ttlMs: 10_000, waitMs: 0 }),
    ];
    expect(leases.every((lease) => lease !== null)).toBe(true);
    // both connections hold a lock: a third key, free on the server, waits for one
    const started = monotonicMs();
    expect(await backend.acquire(freshKey('pool-3'), { ttlMs: 10_000, waitMs: 200 }), 'no connection within the budget').toBeNull();
    expect(monotonicMs() - started).toBeGreaterThanOrEqual(180);
    const third = backend.acquire(freshKey('pool-3'), { ttlMs: 10_000, waitMs: 0 });
    await sleep(100);
    expect(await backend.release(leases[0]!)).toBe(true);
    const lease = await third;
    expect(lease, 'granted on the connection that came back').not.toBeNull();
    const stats = backend.stats!();
    expect(stats['connections opened']).toBe(2);
    expect(stats['waits for a free connection']).toBe(2);
    await backend.release(lease!);
    await backend.release(leases[1]!);
  });

  it('gives up connect() at the connect timeout when the server accepts but never answers', async (context) => {
    skipIfUnavailable(context);
    const silent: Socket[] = [];
    const listener: Server = createServer((socket) => silent.push(socket));
    const port = await new Promise<number>((resolve) => listener.listen(0, '127.0.0.1', () => resolve((listener.address() as { port: number }).port)));
    try {
      const backend = await createPostgres({ url: `postgres://u:${PASSWORD}@127.0.0.1:${port}/db`, connectTimeoutMs: 500 });
      open.push(backend);
      const started = monotonicMs();
      const failure = await backend.connect().then(() => undefined, (error: unknown) => error);
      expect(monotonicMs() - started).toBeLessThan(3_000);
      expect(failure).toBeInstanceOf(BackendUnavailableError);
      expect((failure as Error).message).toBe(`cannot connect to postgres at 127.0.0.1:${port}: connect timed out`);
    } finally {
      for (const socket of silent) socket.destroy();
      listener.close();
    }
  });

  it('opens the whole pool when a worker connects, one connection for the coordinator\'s check', async (context) => {
    skipIfUnavailable(context);
    const worker = await connected({ poolSize: 3 });
    expect(worker.stats!()['connections opened']).toBe(3);
    const check = await connected({ poolSize: 3 }, { ...CONTEXT, workerIndex: -1 });
    expect(check.stats!()['connections opened']).toBe(1);
  });

  it('sizes the pool to the worker\'s clients, capped at its share of 90 connections', () => {
    expect(defaultPoolSize({ ...CONTEXT, clientsPerWorker: 8, workerCount: 2 })).toBe(8);
    expect(defaultPoolSize({ ...CONTEXT, clientsPerWorker: 1000, workerCount: 2 })).toBe(45);
    expect(defaultPoolSize({ ...CONTEXT, clientsPerWorker: 1000, workerCount: 1 })).toBe(90);
    expect(defaultPoolSize({ ...CONTEXT, clientsPerWorker: 1000, workerCount: 200 })).toBe(1);
  });

  it('creates a missing fence sequence once, when many workers connect at the same moment', async (context) => {
    skipIfUnavailable(context);
    const fenceSequence = `fence_race_${Date.now()}`;
    const backends = await Promise.all(Array.from({ length: 6 }, () => createPostgres({ fenceSequence })));
    open.push(...backends);
    await Promise.all(backends.map((backend) => backend.connect()));
    const lease = await backends[0].acquire(freshKey('race'), { ttlMs: 10_000, waitMs: 0 });
    expect(Number(lease!.fence), 'the first value of the new sequence').toBe(1);
    await backends[0].release(lease!);
  });
});

describe('postgres through the CLI', () => {
  const skipIfUnavailable = skipUnlessServer(ensureServer);

  it('exits 3 with one line naming host:port, not the password, when the server is unreachable', async () => {
    const file = writeScenario(`
name: pg-unreachable
backend: { type: postgres, url: "postgres://u:${PASSWORD}@127.0.0.1:${deadPort}/db", connectTimeout: 1s }
users: 2
duration: 1s
`);
    const result = await runCli(['run', file, '--quiet', '--out', tempDir()]);
    expectUnreachableExit(result, `127.0.0.1:${deadPort}`, [PASSWORD]);
  });

  it('counts holders terminated mid-run as lost leases; a successor overlapping one is a violation', async (context) => {
    skipIfUnavailable(context);
    const file = writeScenario(`
name: pg-terminated
seed: 5
backend: { type: postgres, url: "${server!.url}" }
workers: 1
users: 6
duration: 3s
thinkTime: 0ms
hold: 400ms
resources: { count: 4 }
lock: { acquireTimeout: 3s, retry: { strategy: none } }
drain: 3s
`);
    const out = tempDir();
    const running = runCli(['run', file, '--quiet', '--format', 'json,md', '--out', out], { timeoutMs: 60_000 });
    await waitUntil(async () => (await heldLocks()) > 0, 15_000, 'the run to hold locks');
    await sleep(1_000);
    const terminated = await server!.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`,
    );
    expect(terminated.length).toBeGreaterThan(0);
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    // the terminated holder is still in its critical section when the next one is granted:
    // ground truth sees two holders, at most one overlap per lost lease (hold 400 ms, constant)
    expectLostLeasesReport(report, { lost: terminated.length, lostStat: 'connections lost', maxViolations: report.totals.lostLeases });
  });

  it('completes a run when the server is killed and restarted mid-run: errors counted, report written', async (context) => {
    skipIfUnavailable(context);
    const file = writeScenario(outageScenario('pg-killed', `{ type: postgres, url: "${server!.url}", connectTimeout: 1s }`, '8s'));
    const out = tempDir();
    const running = runCli(['run', file, '--quiet', '--format', 'json,md', '--out', out], { timeoutMs: 60_000 });
    const killedAfterS = await outageDuringRun({
      connected: async () => (await lockbenchConnections()) > 1,
      kill: () => server!.kill(),
      restart: () => server!.restart(),
      upMs: 1_500,
      // down for over 2 s: at least one whole second of the series has errors and no grant
      downMs: 2_500,
    });
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(out, 'summary.md'))).toBe(true);
    const report = expectOutageReport(out, 'postgres 127.0.0.1:');
    expect(accountedArrivals(report)).toBe(report.totals.arrivals);
    expectGrantsFrom(report, Math.ceil(killedAfterS + 4));
  });

  it('runs the built-in postgres/wallet-closed scenario against POSTGRES_URL', async (context) => {
    skipIfUnavailable(context);
    const out = tempDir();
    const result = await runCli(['run', 'postgres/wallet-closed', '--duration', '2s', '--set', 'users=40', '--quiet', '--format', 'json,md', '--out', out], {
      env: { POSTGRES_URL: server!.url },
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    expect(report.backend.type).toBe('postgres');
    expect(report.backend.url).toBe(server!.url);
    expect(report.totals.acquired).toBeGreaterThan(0);
    expect(report.totals.errors).toBe(0);
    expect(report.totals.violations).toBe(0);
    expect(report.backend.stats?.['connections opened']).toBeGreaterThan(0);
  });

  async function heldLocks(): Promise<number> {
    const rows = await server!.query<{ n: string }>(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted`);
    return Number(rows[0].n);
  }

  async function lockbenchConnections(): Promise<number> {
    const rows = await server!.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'lockbench'`);
    return Number(rows[0].n);
  }
});
