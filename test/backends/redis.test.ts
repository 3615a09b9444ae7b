/**
 * The `redis` backend against real redis-servers on free loopback ports: the
 * conformance suite (auto-pipelined with a password, and plain), a server killed
 * and restarted mid-run, script-cache loss, unreachable and silent servers, and
 * the built-in redis scenarios through the CLI with the password kept out of
 * every output.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { redisBackendFactory } from '../../src/backends/redis/index.js';
import type { BackendContext, LockBackend } from '../../src/backends/types.js';
import { monotonicMs } from '../../src/clock.js';
import { BackendUnavailableError } from '../../src/errors.js';
import { expectUnreachableExit, readReport } from '../helpers/backend-cli.js';
import { runCli, tempDir, writeScenario } from '../helpers/cli.js';
import { redisCli } from '../helpers/redis-cluster.js';
import { redisMissing, startRedisServers, type RedisServer } from '../helpers/redis-server.js';
import { accountedArrivals } from '../helpers/run.js';
import { freePort } from '../helpers/server-process.js';
import { describeConformance, freshKey } from './conformance.js';

type RedisSpec = Parameters<typeof redisBackendFactory.create>[0];

/** Distinctive, so a grep of any output finds it if it leaked. */
const PASSWORD = 'n0t-in-any-0utput-7f3a';
const CONTEXT: BackendContext = { workerIndex: 0, workerCount: 1, resourceCount: 100, clientsPerWorker: 8, seed: 1 };
/** a loopback port where nothing listens */
const deadPort = await freePort();

/** A resolved `redis` spec with the schema's defaults. */
function redisSpec(url: string, overrides: Partial<RedisSpec> = {}): RedisSpec {
  return {
    type: 'redis',
    url,
    tls: false,
    keyPrefix: 'lockbench:',
    connectTimeoutMs: 2_000,
    commandTimeoutMs: 1_000,
    maxRetriesPerRequest: 1,
    autoPipelining: true,
    ...overrides,
  };
}

async function createRedis(url: string, overrides: Partial<RedisSpec> = {}): Promise<LockBackend> {
  return redisBackendFactory.create(redisSpec(url, overrides), undefined, CONTEXT);
}

/** One redis-server per describe block, started in its beforeAll. */
function serverFor(password?: string) {
  let server: RedisServer | undefined;
  return {
    get server(): RedisServer {
      return server!;
    },
    async start(): Promise<void | { skip: string }> {
      const missing = redisMissing();
      if (missing) return missing;
      [server] = await startRedisServers(1, { password });
    },
    async stop(): Promise<void> {
      await server?.remove();
    },
  };
}

const withPassword = serverFor(PASSWORD);
describeConformance('redis (password, auto-pipelining)', {
  blocksInAcquire: false,
  beforeAll: () => withPassword.start(),
  afterAll: () => withPassword.stop(),
  createBackend: () => createRedis(withPassword.server.url),
  unreachable: {
    createBackend: () => createRedis(`redis://:${PASSWORD}@127.0.0.1:${deadPort}`, { connectTimeoutMs: 1_000 }),
    address: `127.0.0.1:${deadPort}`,
    secrets: [PASSWORD],
  },
});

const plain = serverFor();
describeConformance('redis (no pipelining, no retries)', {
  blocksInAcquire: false,
  beforeAll: () => plain.start(),
  afterAll: () => plain.stop(),
  createBackend: () => createRedis(plain.server.url, { autoPipelining: false, maxRetriesPerRequest: 0, keyPrefix: 'other:' }),
});

describe('redis backend: failures and the CLI', () => {
  const redis = serverFor(PASSWORD);
  let skipReason: string | undefined;
  const open: LockBackend[] = [];
  /** temp folders of scenarios and reports, removed after the block */
  const folders: string[] = [];
  const folder = (path: string): string => (folders.push(path), path);

  beforeAll(async () => {
    const outcome = await redis.start();
    if (outcome) skipReason = outcome.skip;
  });
  afterAll(async () => {
    await Promise.all(open.map((backend) => backend.close()));
    await redis.stop();
    for (const path of folders) rmSync(path, { recursive: true, force: true });
  });

  function skipIfUnavailable(context: TestContext): void {
    if (skipReason) context.skip(skipReason);
  }

  async function connected(overrides: Partial<RedisSpec> = {}): Promise<LockBackend> {
    const backend = await createRedis(redis.server.url, overrides);
    open.push(backend);
    await backend.connect();
    return backend;
  }

  it('re-loads its scripts after the server lost them (NOSCRIPT → EVAL)', async (context) => {
    skipIfUnavailable(context);
    const backend = await connected();
    const first = await backend.acquire(freshKey('noscript'), { ttlMs: 10_000, waitMs: 0 });
    expect(first).not.toBeNull();
    await redisCli(['-p', String(redis.server.port), 'script', 'flush'], PASSWORD);
    const second = await backend.acquire(freshKey('noscript'), { ttlMs: 10_000, waitMs: 0 });
    expect(second, 'acquire after SCRIPT FLUSH').not.toBeNull();
    expect(await backend.release(first!), 'release after SCRIPT FLUSH').toBe(true);
    expect(await backend.extend!(second!, 10_000)).toBe(true);
    expect(await backend.release(second!)).toBe(true);
    expect(backend.stats!()['server error replies'], 'NOSCRIPT never reached the caller').toBe(0);
  });

  it('rounds a fractional ttl up for PX, keeping expiresAt conservative', async (context) => {
    skipIfUnavailable(context);
    const backend = await connected();
    const before = monotonicMs();
    const lease = await backend.acquire(freshKey('fraction'), { ttlMs: 2_500.4, waitMs: 0 });
    expect(lease).not.toBeNull();
    expect(lease!.expiresAt).toBeLessThanOrEqual(monotonicMs() + 2_500.4);
    expect(lease!.expiresAt).toBeGreaterThanOrEqual(before + 2_500.4);
    expect(await backend.release(lease!)).toBe(true);
  });

  it('gives up connect() at the connect timeout when the server accepts but never answers', async (context) => {
    skipIfUnavailable(context);
    const silent: Socket[] = [];
    const server: Server = createServer((socket) => silent.push(socket));
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    try {
      const backend = await createRedis(`redis://user:${PASSWORD}@127.0.0.1:${port}`, { connectTimeoutMs: 500 });
      const started = monotonicMs();
      const failure = await backend.connect().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(monotonicMs() - started, 'about the connect timeout').toBeLessThan(3_000);
      expect(failure).toBeInstanceOf(BackendUnavailableError);
      expect((failure as Error).message).toContain(`127.0.0.1:${port}`);
      expect((failure as Error).message).not.toContain(PASSWORD);
      expect((failure as Error).message).not.toContain('\n');
      await backend.close();
    } finally {
      for (const socket of silent) socket.destroy();
      server.close();
    }
  });

  it('names the server and never the password when the password is wrong', async (context) => {
    skipIfUnavailable(context);
    const backend = await createRedis(`redis://:wrong-${PASSWORD}@127.0.0.1:${redis.server.port}`, { connectTimeoutMs: 1_000 });
    const failure = await backend.connect().then(
      () => undefined,
      (error: unknown) => error,
    );
    await backend.close();
    expect(failure).toBeInstanceOf(BackendUnavailableError);
    expect((failure as Error).message).toContain(`127.0.0.1:${redis.server.port}`);
    expect((failure as Error).message).not.toContain(PASSWORD);
  });

  it('keeps running while the server is killed and restarted: errors counted per second, acquisitions resume', async (context) => {
    skipIfUnavailable(context);
    const server = redis.server;
    const yaml = `
name: redis-kill
seed: 7
workers: 2
backend: { type: redis, url: "${server.url}", commandTimeout: 500ms, connectTimeout: 1s }
phases: [{ name: steady, duration: 9s, rate: 200 }]
resources: { count: 500, key: "kill:{id}" }
lock: { ttl: 5s, acquireTimeout: 300ms, retry: { strategy: fixed, delay: 20ms } }
hold: 5ms
drain: 3s
`;
    // through the built CLI (its workers run dist/): kill the server about 2 s into the run, by the
    // first progress line (elapsed ≈ 1 s), and start it again on the same port 2 s later
    const out = folder(tempDir('lockbench-redis-kill-'));
    const file = writeScenario(yaml);
    folder(dirname(file));
    let outage: Promise<void> | undefined;
    const result = await runCli(['run', file, '--format', 'json,md', '--out', out], {
      onSpawn(child) {
        child.stderr?.on('data', () => {
          outage ??= (async () => {
            await new Promise((resolve) => setTimeout(resolve, 1_000));
            await server.kill();
            await new Promise((resolve) => setTimeout(resolve, 2_000));
            await server.start();
          })();
        });
      },
    });
    await outage;
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    const { totals, series } = report;
    expect(totals.arrivals, 'the whole schedule arrived').toBeGreaterThan(1_500);
    expect(accountedArrivals(report), 'every arrival accounted for').toBe(totals.arrivals);
    expect(totals.errors, 'the outage shows as errors').toBeGreaterThan(0);
    expect(totals.violations).toBe(0);
    expect(series.reduce((sum, point) => sum + point.errors, 0), 'errors in the per-second series').toBe(totals.errors);
    const outageSeconds = series.filter((point) => point.errors > 0 && point.acquired === 0);
    expect(outageSeconds.length, 'seconds with errors and no grant').toBeGreaterThan(0);
    const lastSeconds = series.filter((point) => point.t >= 7 && point.t < 9);
    expect(lastSeconds.length).toBe(2);
    for (const point of lastSeconds) expect(point.acquired, `grants in second ${point.t}, after the restart`).toBeGreaterThan(0);
    expect(report.warnings.join('\n'), 'the warning names the server').toContain(`127.0.0.1:${server.port}`);
    const backend = report.backend;
    expect(backend.outages.length, 'backend.outages: when the server was unreachable').toBeGreaterThan(0);
    expect(backend.stats?.reconnects, 'backend.stats: both workers reconnected on their own').toBeGreaterThanOrEqual(2);
    expect(backend.stats?.['server error replies'], 'no NOSCRIPT or other error reached the driver').toBe(0);

    expect(readdirSync(out)).toContain('report.json');
    expectNoPassword(out, [result.stdout, result.stderr]);
  }, 60_000);

  it('exits 3 with one line naming host:port, never the password, when the server is unreachable at start', async (context) => {
    skipIfUnavailable(context);
    const file = writeScenario(`
name: redis-unreachable
backend: { type: redis, url: "redis://admin:${PASSWORD}@127.0.0.1:${deadPort}/0", connectTimeout: 1s }
phases: [{ name: p, duration: 1s, rate: 10 }]
resources: { count: 10 }
hold: 1ms
`);
    folder(dirname(file));
    const out = folder(tempDir('lockbench-redis-unreachable-'));
    const started = monotonicMs();
    const result = await runCli(['run', file, '--quiet', '--out', out]);
    expectUnreachableExit(result, `127.0.0.1:${deadPort}`);
    expect(monotonicMs() - started, 'connect refused: no wait for retries').toBeLessThan(15_000);
    expectNoPassword(out, [result.stdout, result.stderr]);
  }, 30_000);

  it('runs the built-in redis/flash-sale against $REDIS_URL through the CLI; the password is in no output', async (context) => {
    skipIfUnavailable(context);
    const out = folder(tempDir('lockbench-redis-flash-'));
    const result = await runCli(['run', 'redis/flash-sale', '--duration', '2s', '--workers', '2', '--format', 'json,md', '--quiet', '--out', out], {
      env: { REDIS_URL: redis.server.url },
    });
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    expect(report.backend.type).toBe('redis');
    expect(report.totals.acquired).toBeGreaterThan(0);
    expect(report.totals.errors).toBe(0);
    expect(report.totals.violations).toBe(0);
    expectNoPassword(out, [result.stdout, result.stderr]);
  }, 60_000);

  it('validates the built-in redis/tatkal with $REDIS_URL, and with its default', async (context) => {
    skipIfUnavailable(context);
    const withUrl = await runCli(['validate', 'redis/tatkal'], { env: { REDIS_URL: redis.server.url } });
    expect(withUrl.code, withUrl.stderr).toBe(0);
    expect(withUrl.stdout + withUrl.stderr).not.toContain(PASSWORD);
    const byDefault = await runCli(['validate', 'redis/tatkal']);
    expect(byDefault.code, byDefault.stderr).toBe(0);
  }, 30_000);
});

/** Neither the texts nor any file under `dir` contains the password (raw or URL-encoded). */
function expectNoPassword(dir: string, texts: readonly string[]): void {
  const needles = [PASSWORD, encodeURIComponent(PASSWORD)];
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  const contents = [...texts, ...files.map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))];
  for (const text of contents) for (const needle of needles) expect(text.includes(needle), `password found in:\n${text.slice(0, 400)}`).toBe(false);
}
