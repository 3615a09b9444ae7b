/**
 * The `mysql` backend against a real MariaDB on a free loopback port: the
 * conformance suite, what having no TTL means (a lock lives until
 * RELEASE_LOCK or until its connection ends: a KILLed holder is a lost
 * lease), aborted waits ended on the server, long keys, the connection pool,
 * the fence table, a server killed mid-run, an unreachable server and the
 * built-in mysql scenario through the CLI.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlBackendFactory } from '../../src/backends/mysql/index.js';
import { lockName } from '../../src/backends/mysql/lock-name.js';
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
import { mariadbMissing, startMariadbServer, type MariadbServer, type MariadbUser } from '../helpers/mariadb-server.js';
import { accountedArrivals } from '../helpers/run.js';
import { freePort, waitUntil } from '../helpers/server-process.js';
import { describeConformance, freshKey } from './conformance.js';

type MysqlSpec = Parameters<typeof mysqlBackendFactory.create>[0];

/** Distinctive, so a grep of any output finds it if it leaked. */
const PASSWORD = 's3cret-n0t-in-0utput';
const USER: MariadbUser = { name: 'bench', password: PASSWORD };
const CONTEXT: BackendContext = { workerIndex: 0, workerCount: 1, resourceCount: 100, clientsPerWorker: 8, seed: 1 };
/** a loopback port where nothing listens */
const deadPort = await freePort();

let server: MariadbServer | undefined;
let starting: Promise<{ skip: string } | undefined> | undefined;

/** One server for the whole file, started by the first block that needs it. */
function ensureServer(): Promise<{ skip: string } | undefined> {
  starting ??= (async () => {
    const missing = mariadbMissing();
    if (missing) return missing;
    server = await startMariadbServer({ user: USER });
    return undefined;
  })();
  return starting;
}

afterAll(async () => {
  await server?.remove();
});

function mysqlSpec(overrides: Partial<MysqlSpec> = {}): MysqlSpec {
  return {
    type: 'mysql',
    url: server?.url() ?? `mysql://root@127.0.0.1:${deadPort}/test`,
    connectTimeoutMs: 2_000,
    fenceTable: 'lockbench_fence',
    ...overrides,
  };
}

async function createMysql(overrides: Partial<MysqlSpec> = {}, context: BackendContext = CONTEXT): Promise<LockBackend> {
  return mysqlBackendFactory.create(mysqlSpec(overrides), undefined, context);
}

describeConformance('mysql (MariaDB)', {
  beforeAll: () => ensureServer(),
  createBackend: () => createMysql(),
  // no TTL: a lock is held until release or until its connection ends
  leasesExpire: false,
  unreachable: {
    createBackend: () => createMysql({ url: `mysql://u:${PASSWORD}@127.0.0.1:${deadPort}/test`, connectTimeoutMs: 1_000 }),
    address: `127.0.0.1:${deadPort}`,
    secrets: [PASSWORD],
  },
});

/** The connection id holding the lock of `key` (IS_USED_LOCK), or null. */
async function holderOf(key: string): Promise<number | null> {
  const [rows] = (await server!.sql(`SELECT IS_USED_LOCK(${quote(lockName(key))}) AS holder`)) as [{ holder: number | null }[]];
  return rows[0].holder;
}

/** Connections waiting in GET_LOCK for `key`. */
async function waitersOn(key: string): Promise<number> {
  const [rows] = (await server!.sql(
    `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE '%GET_LOCK%' AND INFO LIKE ${quote(`%${lockName(key)}%`)} AND ID <> CONNECTION_ID()`,
  )) as [{ n: number }[]];
  return Number(rows[0].n);
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

describe('mysql backend', () => {
  const skipIfUnavailable = skipUnlessServer(ensureServer);
  const open: LockBackend[] = [];

  afterAll(async () => {
    await Promise.all(open.map((backend) => backend.close()));
  });

  async function connected(overrides: Partial<MysqlSpec> = {}, context?: BackendContext): Promise<LockBackend> {
    const backend = await createMysql(overrides, context);
    open.push(backend);
    await backend.connect();
    return backend;
  }

  it('holds a lock past its ttl: no TTL, expiresAt is Infinity, no extend', async (context) => {
    skipIfUnavailable(context);
    const [a, b] = [await connected(), await connected()];
    const key = freshKey('no-ttl');
    const held = await a.acquire(key, { ttlMs: 50, waitMs: 0 });
    expect(held).not.toBeNull();
    expect(held!.expiresAt).toBe(Infinity);
    expect(a.extend, 'nothing to extend').toBeUndefined();
    await sleep(300);
    expect(await b.acquire(key, { ttlMs: 50, waitMs: 0 }), 'still held long after its ttl').toBeNull();
    expect(await a.release(held!)).toBe(true);
  });

  it('a KILLed holder: the waiter takes over with a higher fence, the lease is lost and counted', async (context) => {
    skipIfUnavailable(context);
    const [a, b] = [await connected(), await connected()];
    const key = freshKey('killed');
    const held = await a.acquire(key, { ttlMs: 10_000, waitMs: 0 });
    expect(held).not.toBeNull();
    const waiting = b.acquire(key, { ttlMs: 10_000, waitMs: 10_000 });
    await waitUntil(async () => (await waitersOn(key)) === 1, 5_000, 'the waiter to queue');
    const holder = await holderOf(key);
    expect(holder, 'IS_USED_LOCK names the holder').not.toBeNull();
    await server!.sql(`KILL CONNECTION ${holder}`);
    const taken = await waiting;
    expect(taken, 'granted once the holder is gone').not.toBeNull();
    expect(taken!.contended).toBe(true);
    expect(Number(taken!.fence)).toBeGreaterThan(Number(held!.fence));
    await waitUntil(async () => held!.lost === true, 5_000, 'the lease to be marked lost');
    expect(a.stats!()).toMatchObject({ 'connections lost': 1, 'leases lost with their connection': 1 });
    expect(await a.release(held!), 'release of the lost lease').toBe(false);
    // the dead connection is never handed out again
    const other = await a.acquire(freshKey('after-loss'), { ttlMs: 10_000, waitMs: 0 });
    expect(other).not.toBeNull();
    expect(await a.release(other!)).toBe(true);
    expect(await b.release(taken!)).toBe(true);
    expect(b.stats!()['connections lost']).toBe(0);
  });

  it('fences increase across clients and takeovers after a holder is KILLed', async (context) => {
    skipIfUnavailable(context);
    const clients = [await connected(), await connected()];
    const key = freshKey('fence-takeover');
    const fences: number[] = [];
    for (let round = 0; round < 30; round++) {
      const owner = clients[round % 2];
      const lease = await owner.acquire(key, { ttlMs: 10_000, waitMs: 2_000 });
      expect(lease, `round ${round}`).not.toBeNull();
      fences.push(Number(lease!.fence));
      if (round % 10 === 9) {
        await server!.sql(`KILL CONNECTION ${await holderOf(key)}`);
        await waitUntil(async () => lease!.lost === true, 5_000, 'the lease to be marked lost');
        expect(await owner.release(lease!)).toBe(false);
      } else {
        expect(await owner.release(lease!)).toBe(true);
      }
    }
    for (let i = 1; i < fences.length; i++) expect(fences[i], `fence ${i} (${fences.join(',')})`).toBeGreaterThan(fences[i - 1]);
  });

  it('an aborted wait is ended on the server by KILL QUERY and its connection is reused', async (context) => {
    skipIfUnavailable(context);
    const [a, b] = [await connected(), await connected({ poolSize: 1 })];
    const key = freshKey('abort');
    const held = await a.acquire(key, { ttlMs: 10_000, waitMs: 0 });
    const controller = new AbortController();
    const waiting = b.acquire(key, { ttlMs: 10_000, waitMs: 20_000, signal: controller.signal });
    await waitUntil(async () => (await waitersOn(key)) === 1, 5_000, 'the waiter to queue');
    const abortedAt = monotonicMs();
    controller.abort();
    expect(await waiting).toBeNull();
    expect(monotonicMs() - abortedAt, 'promptly').toBeLessThan(2_000);
    expect(await waitersOn(key), 'no waiter left on the server').toBe(0);
    expect(b.stats!()['waits ended by KILL QUERY']).toBe(1);
    // the pool's only connection serves the next attempt: it came back clean
    const other = await b.acquire(freshKey('after-abort'), { ttlMs: 10_000, waitMs: 1_000 });
    expect(other).not.toBeNull();
    expect(b.stats!()['connections lost']).toBe(0);
    expect(await b.release(other!)).toBe(true);
    expect(await a.release(held!)).toBe(true);
  });

  it('waits with fractional-second GET_LOCK timeouts (MariaDB)', async (context) => {
    skipIfUnavailable(context);
    const [a, b] = [await connected(), await connected()];
    const key = freshKey('fraction');
    const held = await a.acquire(key, { ttlMs: 10_000, waitMs: 0 });
    const started = monotonicMs();
    expect(await b.acquire(key, { ttlMs: 10_000, waitMs: 1_400 })).toBeNull();
    const elapsed = monotonicMs() - started;
    // whole seconds would wait 1 s (rounded) or 2 s (rounded up)
    expect(elapsed, 'the whole budget').toBeGreaterThanOrEqual(1_380);
    expect(elapsed, 'not rounded up to whole seconds').toBeLessThan(1_950);
    expect(await a.release(held!)).toBe(true);
  });

  it('maps keys longer than 64 characters to a stable hashed name; they stay exclusive and independent', async (context) => {
    skipIfUnavailable(context);
    const [a, b] = [await connected(), await connected()];
    const prefix = `${freshKey('long')}:${'x'.repeat(100)}`;
    const [k1, k2] = [`${prefix}:one`, `${prefix}:two`];
    expect(lockName(k1)).toHaveLength(64);
    expect(lockName(k1)).toBe(lockName(k1));
    expect(lockName(k1)).not.toBe(lockName(k2));
    expect(lockName('wallet:42'), 'short keys are used as they are').toBe('wallet:42');
    expect(lockName('x'.repeat(64))).toBe('x'.repeat(64));
    expect(lockName(`${'ab'.repeat(9)}a😀${'z'.repeat(60)}`).isWellFormed(), 'no surrogate half').toBe(true);
    const one = await a.acquire(k1, { ttlMs: 10_000, waitMs: 0 });
    expect(one).not.toBeNull();
    expect(await b.acquire(k1, { ttlMs: 10_000, waitMs: 0 }), 'the same long key is exclusive').toBeNull();
    const two = await b.acquire(k2, { ttlMs: 10_000, waitMs: 0 });
    expect(two, 'a different long key with the same prefix is free').not.toBeNull();
    expect(await holderOf(k1)).not.toBeNull();
    expect(await a.release(one!)).toBe(true);
    expect(await b.release(two!)).toBe(true);
    const again = await b.acquire(k1, { ttlMs: 10_000, waitMs: 0 });
    expect(Number(again!.fence), 'the long key has one fence counter').toBeGreaterThan(Number(one!.fence));
    await b.release(again!);
  });

  it('requests beyond the pool wait for a connection; an abort ends that wait too', async (context) => {
    skipIfUnavailable(context);
    const backend = await connected({ poolSize: 1 });
    const first = await backend.acquire(freshKey('pool-1'), { ttlMs: 10_000, waitMs: 0 });
    expect(first).not.toBeNull();
    // the only connection holds a lock: another key, free on the server, waits for it
    const started = monotonicMs();
    const second = backend.acquire(freshKey('pool-2'), { ttlMs: 10_000, waitMs: 0 });
    await sleep(200);
    const controller = new AbortController();
    const third = backend.acquire(freshKey('pool-3'), { ttlMs: 10_000, waitMs: 0, signal: controller.signal });
    controller.abort();
    expect(await third, 'aborted while waiting for a connection').toBeNull();
    expect(await backend.release(first!)).toBe(true);
    const lease = await second;
    expect(lease, 'granted on the connection that came back').not.toBeNull();
    expect(monotonicMs() - started, 'the wait for a connection shows in acquire latency').toBeGreaterThanOrEqual(190);
    expect(await backend.release(lease!)).toBe(true);
  });

  it('sizes the pool to the worker\'s clients, capped at its share of 128 connections', async (context) => {
    skipIfUnavailable(context);
    const key = freshKey('pool-size');
    const sizes: number[] = [];
    for (const clientsPerWorker of [3, 1000]) {
      const backend = await connected({}, { ...CONTEXT, workerCount: 4, clientsPerWorker });
      // hold distinct keys until one more request has to wait for a connection
      const leases = [];
      for (;;) {
        const pending = backend.acquire(`${key}:${clientsPerWorker}:${leases.length}`, { ttlMs: 10_000, waitMs: 0 });
        const lease = await Promise.race([pending, sleep(500).then(() => 'waiting' as const)]);
        if (lease === 'waiting') {
          sizes.push(leases.length);
          for (const held of leases) await backend.release(held!);
          await backend.release((await pending)!);
          break;
        }
        leases.push(lease);
      }
      await backend.close();
    }
    expect(sizes).toEqual([3, 32]);
  });

  it('creates a missing fence table once, when many workers connect at the same moment', async (context) => {
    skipIfUnavailable(context);
    const fenceTable = `fence_race_${Date.now()}`;
    const backends = await Promise.all(Array.from({ length: 6 }, () => createMysql({ fenceTable })));
    open.push(...backends);
    await Promise.all(backends.map((backend) => backend.connect()));
    const lease = await backends[0].acquire(freshKey('race'), { ttlMs: 10_000, waitMs: 0 });
    expect(Number(lease!.fence), 'the first fence of a new key').toBe(1);
    await backends[0].release(lease!);
    const [rows] = (await server!.sql(`SELECT COUNT(*) AS n FROM test.${fenceTable}`)) as [{ n: number }[]];
    expect(Number(rows[0].n)).toBe(1);
  });

  it('connects with a password and never repeats it when the login is refused', async (context) => {
    skipIfUnavailable(context);
    const good = await connected({ url: server!.url(USER) });
    const lease = await good.acquire(freshKey('user'), { ttlMs: 10_000, waitMs: 0 });
    expect(lease).not.toBeNull();
    await good.release(lease!);
    const wrong = 'wr0ng-pa55word';
    const bad = await createMysql({ url: server!.url({ name: USER.name, password: wrong }) });
    open.push(bad);
    const failure = await bad.connect().then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(BackendUnavailableError);
    const message = (failure as Error).message;
    expect(message).toContain(`127.0.0.1:${server!.port}`);
    expect(message).not.toContain(wrong);
    expect(message).not.toContain('\n');
  });

  it('counts holders KILLed mid-run as lost leases; the overlaps they cause are reported, never hidden', async (context) => {
    skipIfUnavailable(context);
    const keyPrefix = freshKey('run-kill');
    const file = writeScenario(`
name: mysql-killed-holders
seed: 5
backend: { type: mysql, url: "${server!.url()}" }
workers: 1
users: 6
duration: 4s
thinkTime: 0ms
hold: 400ms
resources: { count: 4, key: "${keyPrefix}:{id}" }
lock: { acquireTimeout: 3s, retry: { strategy: none } }
drain: 3s
`);
    const out = tempDir();
    const running = runCli(['run', file, '--quiet', '--out', out], { timeoutMs: 60_000 });
    const keys = [0, 1, 2, 3].map((id) => `${keyPrefix}:${id}`);
    const holders = async (): Promise<number[]> =>
      (await Promise.all(keys.map((key) => holderOf(key)))).filter((id): id is number => id !== null);
    await waitUntil(async () => (await holders()).length > 0, 15_000, 'holders');
    await sleep(1_000);
    const killed = await holders();
    expect(killed.length).toBeGreaterThan(0);
    for (const id of killed) await server!.sql(`KILL CONNECTION ${id}`);
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    // A KILLed holder's lock is free on the server at once, while its client is
    // still inside its 400 ms critical section: a waiter granted then overlaps
    // with it. That is the hazard of connection-scoped locks (fences catch it);
    // every such overlap involves one of the killed holders.
    expectLostLeasesReport(readReport(out), { lost: killed.length, lostStat: 'leases lost with their connection', maxViolations: killed.length });
  });
});

describe('mysql through the CLI', () => {
  const skipIfUnavailable = skipUnlessServer(ensureServer);

  it('exits 3 with one line naming host:port, not the password, when the server is unreachable', async () => {
    const file = writeScenario(`
name: mysql-unreachable
backend: { type: mysql, url: "mysql://u:${PASSWORD}@127.0.0.1:${deadPort}/test", connectTimeout: 1s }
users: 2
duration: 1s
`);
    const result = await runCli(['run', file, '--quiet', '--out', tempDir()]);
    expectUnreachableExit(result, `127.0.0.1:${deadPort}`, [PASSWORD]);
  });

  it('completes a run when the server is killed and restarted mid-run: errors counted, report written', async (context) => {
    skipIfUnavailable(context);
    const file = writeScenario(outageScenario('mysql-killed', `{ type: mysql, url: "${server!.url(USER)}", connectTimeout: 1s }`, '7s'));
    const out = tempDir();
    const running = runCli(['run', file, '--quiet', '--format', 'json,md', '--out', out], { timeoutMs: 60_000 });
    const killedAfterS = await outageDuringRun({
      connected: async () => (await benchConnections()) > 1,
      kill: () => server!.kill(),
      restart: () => server!.start(),
      upMs: 1_500,
      downMs: 1_500,
    });
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(out, 'summary.md'))).toBe(true);
    const report = expectOutageReport(out, `mysql 127.0.0.1:${server!.port}`);
    expect(accountedArrivals(report)).toBe(report.totals.arrivals);
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
    expectGrantsFrom(report, Math.ceil(killedAfterS + 3));
  });

  it('runs the built-in mysql/wallet-closed scenario against MYSQL_URL', async (context) => {
    skipIfUnavailable(context);
    const out = tempDir();
    const result = await runCli(['run', 'mysql/wallet-closed', '--duration', '3s', '--set', 'users=40', '--quiet', '--out', out], {
      env: { MYSQL_URL: server!.url(USER) },
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    expect(report.backend.type).toBe('mysql');
    expect(report.totals.acquired).toBeGreaterThan(0);
    expect(report.totals.errors).toBe(0);
    expect(report.totals.violations).toBe(0);
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
  });

  /** Connections of the test user (the CLI run's), seen from root. */
  async function benchConnections(): Promise<number> {
    const [rows] = (await server!.sql(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = '${USER.name}'`)) as [{ n: number }[]];
    return Number(rows[0].n);
  }
});
